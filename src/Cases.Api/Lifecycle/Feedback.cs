using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>回访: the resident's verdict. Satisfied closes the case; not satisfied reopens it (返工).</summary>
public sealed record FeedbackRequest(bool? Satisfied, int? Score, string? Comment, long? ExpectedVersion) : IVersionedCommand;

public sealed class FeedbackValidator : AbstractValidator<FeedbackRequest>
{
    public FeedbackValidator()
    {
        RuleFor(x => x.Satisfied).NotNull();
        RuleFor(x => x.Score).NotNull().InclusiveBetween(1, 5);
        RuleFor(x => x.Comment).MaximumLength(2000);
    }
}

public static class FeedbackEndpoint
{
    [WolverinePost("/api/cases/{caseId}/feedback", OperationId = "feedback")]
    [Authorize(Roles = Roles.Agents)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, FeedbackRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new GiveFeedback(body.Satisfied!.Value, body.Score!.Value, body.Comment), ctx));
}
