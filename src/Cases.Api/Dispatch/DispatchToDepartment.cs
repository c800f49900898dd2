using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
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
    public static Task<IResult> Post(Guid caseId, DispatchRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new DispatchToDepartment(Guid.CreateVersion7(ctx.Now), body.DepartmentId, body.Instructions), ctx));
}
