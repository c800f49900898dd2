using Cases.Api.Clocks;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Sla;
using Marten;
using Wolverine;

namespace Cases.Api.Cases;

/// <summary>
/// The one path every command on an existing case takes: load the stream for writing, check the caller's
/// expectedVersion, ask the domain to decide, append, commit, and answer with the case as it now is.
/// The append is optimistic: if another command got there first, the commit fails and the caller gets 409.
/// </summary>
public sealed class CaseCommands(ReferenceData referenceData, IActorAccessor actors, TimeProvider clock, SlaPolicy policy, ClockScheduler clocks)
{
    public async Task<IResult> RunAsync(
        HttpContext http,
        IDocumentSession session,
        IMessageBus bus,
        Guid caseId,
        long? expectedVersion,
        Func<Case, DecisionContext, Decision> decide,
        CancellationToken cancellationToken)
    {
        var actor = actors.Current(http);
        if (caseId == Guid.Empty)
        {
            return CaseScope.Hidden(caseId);
        }

        var stream = await session.Events.FetchForWriting<Case>(caseId, cancellationToken);
        if (stream.Aggregate is not { } state || !CaseScope.MayAct(actor, state))
        {
            return CaseScope.Hidden(caseId);
        }

        if (expectedVersion is { } expected && expected != stream.CurrentVersion)
        {
            return Problems.Conflict($"The case is at version {stream.CurrentVersion}, not the expected {expected}; it changed since you read it. Nothing was changed.");
        }

        var context = await ContextAsync(actor, state.Category, cancellationToken);
        var decision = decide(state, context);
        if (decision.Refusal is { } refusal)
        {
            return Problems.From(refusal);
        }

        stream.AppendMany(decision.Events);
        var now = decision.Events.Aggregate(state, (current, e) => Case.Evolve(current, e));
        await clocks.ScheduleAsync(bus, state, now);
        await session.SaveChangesAsync(cancellationToken);
        return Results.Ok(CaseView.From(now, actor, context.Now));
    }

    public async Task<DecisionContext> ContextAsync(Actor actor, string category, CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        var limits = reference.Categories.TryGetValue(category, out var c) ? c.Limits : CategoryLimits.Default;
        // Stored times are UTC (PostgreSQL timestamptz columns take nothing else), whatever the clock hands out.
        return new DecisionContext(actor, clock.GetUtcNow().ToUniversalTime(), reference.Tree, policy, limits);
    }
}
