using Cases.Api.Cases;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Lifecycle;

/// <summary>督办: record supervision of the case.</summary>
public sealed record SuperviseRequest(string? Note, long? ExpectedVersion) : IVersionedCommand;

public sealed class SuperviseValidator : AbstractValidator<SuperviseRequest>
{
    public SuperviseValidator()
    {
        RuleFor(x => x.Note).NotEmpty().MaximumLength(2000);
    }
}

public static class SuperviseEndpoint
{
    [WolverinePost("/api/cases/{caseId}/supervise", OperationId = "supervise")]
    [Authorize(Roles = Roles.Coordinators)]
    [Tags("Escalation")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid caseId, SuperviseRequest body, CaseCommand command) =>
        command.RunAsync(caseId, body, (state, ctx) => CaseDecider.Decide(state, new Supervise(body.Note!), ctx));
}
