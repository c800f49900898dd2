using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Dispatch;

/// <summary>报到: the department reports for duty.</summary>
public sealed record AcceptDispatchRequest(long? ExpectedVersion) : IVersionedCommand;

public sealed class AcceptDispatchValidator : AbstractValidator<AcceptDispatchRequest>
{
    public AcceptDispatchValidator()
    {
        // Nothing to check beyond the JSON shape.
    }
}

public static class AcceptDispatchEndpoint
{
    [WolverinePost("/api/cases/{caseId}/dispatches/{dispatchId}/accept", OperationId = "acceptDispatch")]
    [Authorize(Roles = Roles.Departments)]
    [Tags("Dispatch")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, Guid dispatchId, AcceptDispatchRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new AcceptDispatch(dispatchId), ctx));
}
