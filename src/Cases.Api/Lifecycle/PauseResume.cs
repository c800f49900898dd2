using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>挂起 / 缓办: stop the clocks while the case waits on the resident.</summary>
public sealed record PauseRequest(string? Reason, long? ExpectedVersion) : IVersionedCommand;

public sealed class PauseValidator : AbstractValidator<PauseRequest>
{
    public PauseValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(1000);
    }
}

public static class PauseEndpoint
{
    [WolverinePost("/api/cases/{caseId}/pause", OperationId = "pause")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Clocks")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, PauseRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Pause(body.Reason!), ctx));
}

/// <summary>Restart the clocks; every running deadline moves by the paused time.</summary>
public sealed record ResumeRequest(long? ExpectedVersion) : IVersionedCommand;

public sealed class ResumeValidator : AbstractValidator<ResumeRequest>
{
    public ResumeValidator()
    {
        // Nothing to check beyond the JSON shape.
    }
}

public static class ResumeEndpoint
{
    [WolverinePost("/api/cases/{caseId}/resume", OperationId = "resume")]
    [Authorize(Roles = Roles.Handlers)]
    [Tags("Clocks")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, ResumeRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Resume(), ctx));
}
