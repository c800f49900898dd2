using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Cases.Api.Dispatch;

/// <summary>
/// 派单, the whistle: a node at grid level or above asks a department to report for duty. Without a
/// <c>departmentId</c>, the routing rules' suggestion for the case's category is used. Dispatching again to
/// another department makes a joint dispatch (联合处置).
/// </summary>
public sealed record DispatchRequest(string? DepartmentId, string? Instructions, long? ExpectedVersion) : IVersionedCommand;

public sealed class DispatchValidator : AbstractValidator<DispatchRequest>
{
    public DispatchValidator(ReferenceData referenceData)
    {
        RuleFor(x => x.DepartmentId)
            .MustAsync(async (id, ct) => (await referenceData.GetAsync(ct)).Departments.ContainsKey(id!))
            .When(x => x.DepartmentId is not null)
            .WithMessage(x => $"There is no department '{x.DepartmentId}'.");
        RuleFor(x => x.Instructions).MaximumLength(4000);
    }
}

public static class DispatchEndpoint
{
    [WolverinePost("/api/cases/{caseId}/dispatch", OperationId = "dispatch")]
    [Authorize(Roles = Roles.Coordinators)]
    [Tags("Dispatch")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(
        Guid caseId, DispatchRequest body, HttpContext http, IDocumentSession session, IMessageBus bus, CaseCommands commands, ReferenceData referenceData, CancellationToken ct)
    {
        var routing = (await referenceData.GetAsync(ct)).Routing;
        return await commands.RunAsync(
            http,
            session,
            bus,
            caseId,
            body.ExpectedVersion,
            (state, ctx) => (body.DepartmentId ?? routing.SuggestDepartment(state.Category)) is { } departmentId
                ? CaseDecider.Decide(state, new DispatchToDepartment(Guid.CreateVersion7(ctx.Now), departmentId, body.Instructions), ctx)
                : Decision.Invalid("departmentId", $"No department was named, and the routing rules suggest none for category '{state.Category}'."),
            ct);
    }
}
