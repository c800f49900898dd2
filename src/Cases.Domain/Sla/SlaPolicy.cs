namespace Cases.Domain.Sla;

/// <summary>Turns a category's limits and the calendar into deadlines.</summary>
public sealed class SlaPolicy(WorkingCalendar calendar)
{
    public WorkingCalendar Calendar { get; } = calendar;

    public DateTimeOffset AcknowledgeBy(CategoryLimits limits, Urgency urgency, DateTimeOffset from) =>
        from + limits.For(urgency).Acknowledge;

    public DateTimeOffset AcceptBy(CategoryLimits limits, Urgency urgency, DateTimeOffset from) =>
        from + limits.For(urgency).AcceptDispatch;

    public DateTimeOffset FeedbackBy(CategoryLimits limits, Urgency urgency, DateTimeOffset from) =>
        from + limits.For(urgency).FeedbackWindow;

    public DateTimeOffset ResolveBy(CategoryLimits limits, Urgency urgency, DateTimeOffset from)
    {
        // Working days are the hotline's rule for ordinary appeals; an urgent limit (24 h) is wall-clock, so that
        // an urgent hazard raised on a Friday evening is not due on Monday evening.
        var resolve = limits.For(urgency).Resolve;
        return urgency == Urgency.Normal && limits.ResolveInWorkingDays && IsWholeDays(resolve)
            ? Calendar.AddWorkingDays(from, (int)resolve.TotalDays)
            : from + resolve;
    }

    /// <summary>An extension (延期) counts working days from the current deadline.</summary>
    public DateTimeOffset Extend(DateTimeOffset resolveBy, int workingDays) =>
        Calendar.AddWorkingDays(resolveBy, workingDays);

    private static bool IsWholeDays(TimeSpan span) => span >= TimeSpan.FromDays(1) && span.Ticks % TimeSpan.TicksPerDay == 0;
}
