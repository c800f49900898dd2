using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>结案 by verification of a resolved case.</summary>
public sealed record CloseRequest(string? Note, long? ExpectedVersion) : IVersionedCommand;

public sealed class CloseValidator : AbstractValidator<CloseRequest>
{
    public CloseValidator()
    {
        RuleFor(x => x.Note).MaximumLength(2000);
    }
}

public static class CloseEndpoint
{
    [WolverinePost("/api/cases/{caseId}/close", OperationId = "close")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, CloseRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Close(body.Note), ctx));
}
