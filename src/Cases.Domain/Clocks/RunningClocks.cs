namespace Cases.Domain.Clocks;

/// <summary>One clock that runs on a case, with the stages that have fired for its current deadline.</summary>
public sealed record RunningClock(ClockKind Clock, string Key, DateTimeOffset Deadline, IReadOnlyList<ClockStage> Fired)
{
    /// <summary>A warning (预警) stage has fired for this deadline.</summary>
    public bool Warned => Fired.Any(s => s != ClockStage.Expired);

    public bool Expired => Fired.Contains(ClockStage.Expired);
}

/// <summary>Which clocks run on a case: the one definition the case view, the boards and the read model share.</summary>
public static class RunningClocks
{
    public static IReadOnlyList<RunningClock> Of(Case c)
    {
        var clocks = new List<RunningClock>();
        if (c.Status == CaseStatus.Open && c.AcknowledgeBy is { } acknowledgeBy)
        {
            clocks.Add(Clock(c, ClockKind.Acknowledge, c.CurrentNodeId, acknowledgeBy));
        }

        foreach (var dispatch in c.Dispatches.Where(d => d.Status == DispatchStatus.Pending))
        {
            clocks.Add(Clock(c, ClockKind.AcceptDispatch, dispatch.DispatchId.ToString(), dispatch.AcceptBy));
        }

        if (c.Status.IsActive() && c.ResolveBy is { } resolveBy)
        {
            clocks.Add(Clock(c, ClockKind.Resolve, "resolve", resolveBy));
        }

        if (c.Status == CaseStatus.Resolved && c.FeedbackBy is { } feedbackBy)
        {
            clocks.Add(Clock(c, ClockKind.FeedbackWindow, "feedback", feedbackBy));
        }

        return clocks;
    }

    /// <summary>
    /// The departments whose dispatch on this case waits for acceptance past its limit: the acceptance clock has
    /// expired for the deadline in force. Kept as a fact of the events, so counting it needs no clock arithmetic.
    /// </summary>
    public static IReadOnlyList<string> AcceptanceOverdueDepartments(Case c) =>
        [.. c.Dispatches
            .Where(d => d.Status == DispatchStatus.Pending && c.HasFired(ClockKind.AcceptDispatch, ClockStage.Expired, d.DispatchId.ToString(), d.AcceptBy))
            .Select(d => d.DepartmentId)
            .Distinct()];

    private static RunningClock Clock(Case c, ClockKind clock, string key, DateTimeOffset deadline) => new(
        clock,
        key,
        deadline,
        [.. c.ClockMarks.Where(m => m.Clock == clock && m.Key == key && m.Deadline == deadline).Select(m => m.Stage)]);
}
