using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>办结: resolved, with the result; the resident's feedback is awaited.</summary>
public sealed record ResolveRequest(string? Resolution, long? ExpectedVersion) : IVersionedCommand;

public sealed class ResolveValidator : AbstractValidator<ResolveRequest>
{
    public ResolveValidator()
    {
        RuleFor(x => x.Resolution).NotEmpty().MaximumLength(4000);
    }
}

public static class ResolveEndpoint
{
    [WolverinePost("/api/cases/{caseId}/resolve", OperationId = "resolve")]
    [Authorize(Roles = Roles.Resolvers)]
    [Tags("Lifecycle")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, ResolveRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Resolve(body.Resolution!), ctx));
}
