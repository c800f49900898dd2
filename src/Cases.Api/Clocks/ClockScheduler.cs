using Cases.Domain;
using Cases.Domain.Clocks;
using Wolverine;

namespace Cases.Api.Clocks;

/// <summary>
/// Schedules the timers a change needs as durable Wolverine messages. Called inside the command's unit of
/// work, so the timers are stored in the same transaction as the events that set their deadlines.
/// </summary>
public sealed class ClockScheduler(CasesOptions options)
{
    public async ValueTask ScheduleAsync(IMessageBus bus, Case? before, Case after)
    {
        if (!options.Clocks)
        {
            return;
        }

        foreach (var timer in ClockPlanner.FirstStages(before, after))
        {
            await bus.ScheduleAsync(timer, timer.FireAt);
        }
    }

    /// <summary>After a stage fired: the same clock's next stage, if the clock still runs to the same deadline.</summary>
    public async ValueTask ScheduleNextAsync(IMessageBus bus, Case state, ClockDue fired)
    {
        if (options.Clocks && ClockPlanner.NextStage(state, fired) is { } next)
        {
            await bus.ScheduleAsync(next, next.FireAt);
        }
    }
}
