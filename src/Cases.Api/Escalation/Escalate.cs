using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Escalation;

/// <summary>上报 by hand: beyond what this level can settle. The case moves to the parent node.</summary>
public sealed record EscalateRequest(string? Reason, long? ExpectedVersion) : IVersionedCommand;

public sealed class EscalateValidator : AbstractValidator<EscalateRequest>
{
    public EscalateValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(1000);
    }
}

public static class EscalateEndpoint
{
    [WolverinePost("/api/cases/{caseId}/escalate", OperationId = "escalate")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Escalation")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, EscalateRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Escalate(body.Reason!), ctx));
}
