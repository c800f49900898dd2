namespace Cases.Domain.Clocks;

/// <summary>The SLA clocks of a case.</summary>
public enum ClockKind
{
    /// <summary>Acknowledge (签收) at the node that holds the case; wall-clock hours.</summary>
    Acknowledge,
    /// <summary>A department reports for duty (报到) on a dispatch.</summary>
    AcceptDispatch,
    /// <summary>Resolve (办结) the case; working days for ordinary appeals.</summary>
    Resolve,
    /// <summary>The resident's feedback window before the case closes by itself.</summary>
    FeedbackWindow,
}

public enum ClockStage
{
    /// <summary>预警 at half the limit.</summary>
    Warning50,
    /// <summary>预警 at three quarters of the limit.</summary>
    Warning75,
    /// <summary>The limit is reached: the system acts.</summary>
    Expired,
}

/// <summary>
/// A scheduled message that wakes the case at one stage of one clock. <paramref name="Key"/> tells clocks of
/// one kind apart (the node for acknowledge, the dispatch id for acceptance), and <paramref name="Deadline"/>
/// is the deadline the timer was set for: if the case's deadline has moved since, the timer is stale.
/// </summary>
public sealed record ClockDue(Guid CaseId, ClockKind Clock, ClockStage Stage, string Key, DateTimeOffset Deadline, DateTimeOffset FireAt);

/// <summary>A clock stage that has fired, as the case remembers it, so that it acts exactly once.</summary>
public sealed record ClockMark(ClockKind Clock, ClockStage Stage, string Key, DateTimeOffset Deadline, string NodeId, DateTimeOffset At);
