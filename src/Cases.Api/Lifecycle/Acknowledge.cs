using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>签收: the handler at the case's node takes it.</summary>
public sealed record AcknowledgeRequest(string? Note, long? ExpectedVersion) : IVersionedCommand;

public sealed class AcknowledgeValidator : AbstractValidator<AcknowledgeRequest>
{
    public AcknowledgeValidator() => RuleFor(x => x.Note).MaximumLength(2000);
}

public static class AcknowledgeEndpoint
{
    [WolverinePost("/api/cases/{caseId}/acknowledge", OperationId = "acknowledge")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, AcknowledgeRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Acknowledge(body.Note), ctx));
}
