using Cases.Domain;
using Cases.Domain.Clocks;
using Wolverine;

namespace Cases.Api.Clocks;

/// <summary>
/// Schedules the timers a change needs as durable Wolverine messages. Called inside the command's unit of
/// work, so the timers are stored in the same transaction as the events that set their deadlines.
/// </summary>
public static class ClockScheduler
{
    public static async ValueTask ScheduleAsync(IMessageBus bus, Case? before, Case after)
    {
        foreach (var timer in ClockPlanner.Plan(before, after))
        {
            await bus.ScheduleAsync(timer, timer.FireAt);
        }
    }
}
