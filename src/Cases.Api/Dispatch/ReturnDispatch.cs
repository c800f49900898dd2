using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Dispatch;

/// <summary>退单: the department returns the case to the dispatching node, with a reason.</summary>
public sealed record ReturnDispatchRequest(string? Reason, long? ExpectedVersion) : IVersionedCommand;

public sealed class ReturnDispatchValidator : AbstractValidator<ReturnDispatchRequest>
{
    public ReturnDispatchValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(1000);
    }
}

public static class ReturnDispatchEndpoint
{
    [WolverinePost("/api/cases/{caseId}/dispatches/{dispatchId}/return", OperationId = "returnDispatch")]
    [Authorize(Roles = Roles.Departments)]
    [Tags("Dispatch")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, Guid dispatchId, ReturnDispatchRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new ReturnDispatch(dispatchId, body.Reason!), ctx));
}
