using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>撤销: the resident withdraws the appeal before it is resolved.</summary>
public sealed record WithdrawRequest(string? Reason, long? ExpectedVersion) : IVersionedCommand;

public sealed class WithdrawValidator : AbstractValidator<WithdrawRequest>
{
    public WithdrawValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(1000);
    }
}

public static class WithdrawEndpoint
{
    [WolverinePost("/api/cases/{caseId}/withdraw", OperationId = "withdraw")]
    [Authorize(Roles = Roles.Agents)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, WithdrawRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Withdraw(body.Reason!), ctx));
}
