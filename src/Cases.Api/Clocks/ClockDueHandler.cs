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
    public static async Task Handle(ClockDue due, IDocumentSession session, IMessageBus bus, CaseCommands commands, ClockScheduler clocks, ILogger<ClockDue> logger, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Case>(due.CaseId, ct);
        if (stream.Aggregate is not { } state)
        {
            return;
        }

        var context = await commands.ContextAsync(Actor.System, state.Category, ct);
        var decision = ClockDecider.Decide(state, due, context);
        if (decision.Events.Count == 0)
        {
            // Stale, or delivered again after it fired: whoever moved the clock, or the first delivery, planned what follows.
            return;
        }

        var after = decision.Events.Aggregate(state, (current, e) => Case.Evolve(current, e));
        await clocks.ScheduleNextAsync(bus, after, due);
        stream.AppendMany(decision.Events);
        await clocks.ScheduleAsync(bus, state, after);
        logger.LogInformation("Clock {Clock} {Stage} fired for case {CaseNumber} at {Node} (deadline {Deadline:O}): {Events}",
            due.Clock, due.Stage, state.CaseNumber, state.CurrentNodeId, due.Deadline, string.Join(", ", decision.Events.Select(e => e.GetType().Name)));
    }
}
