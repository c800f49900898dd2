using Cases.Api.Cases;
using Cases.Api.Reference;
using Cases.Domain;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Dispatch;

/// <summary>派单, the whistle: a node at grid level or above asks a department to report for duty.</summary>
public sealed record DispatchRequest(string? DepartmentId, string? Instructions, long? ExpectedVersion) : IVersionedCommand;

public sealed class DispatchValidator : AbstractValidator<DispatchRequest>
{
    public DispatchValidator(ReferenceData referenceData)
    {
        RuleFor(x => x.DepartmentId).NotEmpty()
            .MustAsync(async (id, ct) => (await referenceData.GetAsync(ct)).Departments.ContainsKey(id!))
            .WithMessage(x => $"There is no department '{x.DepartmentId}'.");
        RuleFor(x => x.Instructions).MaximumLength(4000);
    }
}

public static class DispatchEndpoint
{
    [WolverinePost("/api/cases/{caseId}/dispatch", OperationId = "dispatch")]
    [Tags("Dispatch")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, DispatchRequest body, HttpContext http, IDocumentSession session, CaseCommands commands, CancellationToken ct) =>
        commands.RunAsync(
            http,
            session,
            caseId,
            body.ExpectedVersion,
            (state, ctx) => CaseDecider.Decide(state, new DispatchToDepartment(Guid.CreateVersion7(ctx.Now), body.DepartmentId!, body.Instructions), ctx),
            ct);
}
