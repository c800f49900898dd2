namespace Cases.Domain.Sla;

/// <summary>The clock limits for one urgency.</summary>
public sealed record SlaLimits(TimeSpan Acknowledge, TimeSpan AcceptDispatch, TimeSpan Resolve, TimeSpan FeedbackWindow);

/// <summary>
/// The limits of a category. When <paramref name="ResolveInWorkingDays"/> is set, a resolve limit of whole
/// days counts working days on the calendar (the hotline's "5 working days"); anything else is wall-clock.
/// </summary>
public sealed record CategoryLimits(SlaLimits Normal, SlaLimits Urgent, bool ResolveInWorkingDays)
{
    public static CategoryLimits Default { get; } = new(
        new SlaLimits(TimeSpan.FromHours(2), TimeSpan.FromHours(2), TimeSpan.FromDays(5), TimeSpan.FromDays(3)),
        new SlaLimits(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromHours(24), TimeSpan.FromDays(3)),
        ResolveInWorkingDays: true);

    public SlaLimits For(Urgency urgency) => urgency == Urgency.Urgent ? Urgent : Normal;
}

/// <summary>A category of appeal (dispute, hazard, ...), with its clocks.</summary>
public sealed record Category(string Code, string Name, CategoryLimits Limits);
