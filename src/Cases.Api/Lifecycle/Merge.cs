using Cases.Api.Cases;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>Merge a duplicate into another case; the duplicate becomes final.</summary>
public sealed record MergeRequest(Guid? IntoCaseId, long? ExpectedVersion) : IVersionedCommand;

public sealed class MergeValidator : AbstractValidator<MergeRequest>
{
    public MergeValidator() => RuleFor(x => x.IntoCaseId).NotNull().NotEqual(Guid.Empty);
}

public static class MergeEndpoint
{
    [WolverinePost("/api/cases/{caseId}/merge", OperationId = "merge")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(Guid caseId, MergeRequest body, CaseCommand command)
    {
        // A target outside the caller's scope is as absent as a missing one: the answer must not confirm it exists.
        var target = await command.LoadOtherAsync(body.IntoCaseId!.Value);
        return await command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Merge(body.IntoCaseId!.Value), target, ctx));
    }
}
