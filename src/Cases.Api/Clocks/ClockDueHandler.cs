using Cases.Api.Audit;
using Cases.Api.Cases;
using Cases.Domain;
using Cases.Domain.Clocks;
using Marten;
using Wolverine;

namespace Cases.Api.Clocks;

/// <summary>
/// A clock fired. The domain decides whether it still matters (a stale timer does nothing) and what it does;
/// the events, and the timers they start, commit together through Wolverine's transactional outbox.
/// </summary>
public static class ClockDueHandler
{
    public static async Task Handle(ClockDue due, IDocumentSession session, IMessageBus bus, CaseWorkflow workflow, ClockScheduler clocks, Infrastructure.Telemetry.CasesMeters meters, TimeProvider time, ILogger<ClockDue> logger, CancellationToken ct)
    {
        // Wolverine opened the session with the correlation of the request that scheduled this timer; the cause is the timer itself.
        session.CausationId = Trail.Clock(due.Clock, due.Stage);
        var outcome = await workflow.ExecuteAsync(session, bus, due.CaseId, expectedVersion: null, Actor.System, (state, ctx) => ClockDecider.Decide(state, due, ctx), ct);
        if (outcome is not { Before: { } before, After: { } after } || after.State.Version == before.State.Version)
        {
            // Gone, stale, or delivered again after it fired: whoever moved the clock, or the first delivery, planned what follows.
            return;
        }

        await clocks.ScheduleNextAsync(bus, after.State, due);
        meters.ClockFired(due, time.GetUtcNow());
        logger.LogInformation("Clock {Clock} {Stage} fired for case {CaseNumber} at {Node} (deadline {Deadline:O}): version {Before} to {After}",
            due.Clock, due.Stage, before.CaseNumber, before.CurrentNodeId, due.Deadline, before.State.Version, after.State.Version);
    }
}
