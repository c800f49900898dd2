using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>延期: ask for more working days (at most 10), decided one level up.</summary>
public sealed record RequestExtensionRequest(int? Days, string? Reason, long? ExpectedVersion) : IVersionedCommand;

public sealed class RequestExtensionValidator : AbstractValidator<RequestExtensionRequest>
{
    public RequestExtensionValidator()
    {
        RuleFor(x => x.Days).NotNull().InclusiveBetween(1, CaseDecider.MaxExtensionDays);
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(1000);
    }
}

public static class RequestExtensionEndpoint
{
    [WolverinePost("/api/cases/{caseId}/extension", OperationId = "requestExtension")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Clocks")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, RequestExtensionRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new RequestExtension(body.Days!.Value, body.Reason!), ctx));
}

/// <summary>One level up grants or refuses the pending extension; a grant moves resolveBy.</summary>
public sealed record DecideExtensionRequest(bool? Granted, long? ExpectedVersion) : IVersionedCommand;

public sealed class DecideExtensionValidator : AbstractValidator<DecideExtensionRequest>
{
    public DecideExtensionValidator()
    {
        RuleFor(x => x.Granted).NotNull();
    }
}

public static class DecideExtensionEndpoint
{
    [WolverinePost("/api/cases/{caseId}/extension/decision", OperationId = "decideExtension")]
    [Authorize(Roles = Roles.Coordinators)]
    [Tags("Clocks")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, DecideExtensionRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new DecideExtension(body.Granted!.Value), ctx));
}
