using Cases.Api.Clocks;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Sla;
using Cases.Projections.Cases;
using Marten;
using Wolverine;

namespace Cases.Api.Cases;

/// <summary>Builds what a decision may consult: the caller, the time, the tree, the limits and the routing rules.</summary>
public sealed class DecisionContextFactory(ReferenceData referenceData, TimeProvider clock, SlaPolicy policy)
{
    public async ValueTask<DecisionContext> CreateAsync(Actor actor, string category, CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        var limits = reference.Categories.TryGetValue(category, out var c) ? c.Limits : CategoryLimits.Default;
        // Stored times are UTC (PostgreSQL timestamptz columns take nothing else), whatever the clock hands out.
        return new DecisionContext(actor, clock.GetUtcNow().ToUniversalTime(), reference.Tree, policy, limits, reference.Routing);
    }
}

/// <summary>What a command on a case came to: the record before and after, or why nothing happened.</summary>
public sealed record CaseOutcome(CaseRecord? Before, CaseRecord? After, Refusal? Refusal, DecisionContext? Context)
{
    public static CaseOutcome Missing(Guid caseId) => new(null, null, new Refusal(RefusalKind.NotFound, $"There is no case '{caseId}'."), null);
}

/// <summary>
/// The one way to change a case, for people's commands and for the clocks alike: load the stream for writing,
/// check the expected version, build the decision context, decide, append, schedule the clocks the change
/// starts, and leave any dispatch in the outbox for delivery. It never commits: Wolverine's transactional
/// middleware commits the events, the read model and the
/// scheduled timers together, once, after the endpoint or handler returns.
/// </summary>
public sealed class CaseWorkflow(DecisionContextFactory contexts, ClockScheduler clocks, Delivery.DispatchOutbox dispatches)
{
    public async Task<CaseOutcome> ExecuteAsync(
        IDocumentSession session,
        IMessageBus bus,
        Guid caseId,
        long? expectedVersion,
        Actor actor,
        Func<Case, DecisionContext, Decision> decide,
        CancellationToken cancellationToken,
        Func<CaseRecord, Refusal?>? admit = null)
    {
        if (caseId == Guid.Empty)
        {
            return CaseOutcome.Missing(caseId);
        }

        var stream = await session.Events.FetchForWriting<CaseRecord>(caseId, cancellationToken);
        if (stream.Aggregate is not { } before)
        {
            return CaseOutcome.Missing(caseId);
        }

        // Whether this caller may reach the case at all: the HTTP path's scope check; the clocks reach everything.
        if (admit?.Invoke(before) is { } refused)
        {
            return new CaseOutcome(before, null, refused, null);
        }

        if (expectedVersion is { } expected && expected != stream.CurrentVersion)
        {
            return new CaseOutcome(before, null, new Refusal(RefusalKind.Conflict,
                $"The case is at version {stream.CurrentVersion}, not the expected {expected}; it changed since you read it. Nothing was changed."), null);
        }

        var context = await contexts.CreateAsync(actor, before.Category, cancellationToken);
        var decision = decide(before.State, context);
        if (decision.Refusal is { } refusal)
        {
            return new CaseOutcome(before, null, refusal, context);
        }

        stream.AppendMany(decision.Events);
        var after = decision.Events.Aggregate(before, (record, e) => CaseRecord.Fold(record, e));
        await clocks.ScheduleAsync(bus, before.State, after.State);
        await dispatches.RecordAsync(session, bus, after, (stream.StartingVersion ?? 0) + 1, decision.Events, context.Tree);
        return new CaseOutcome(before, after, null, context);
    }
}
