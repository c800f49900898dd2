using System.Text.Json.Serialization;

namespace Cases.Domain;

public enum Channel
{
    Hotline,
    Patrol,
    [JsonStringEnumMemberName("walk-in")]
    WalkIn,
    Online,
}

public enum Urgency
{
    Normal,
    Urgent,
}

public enum CaseStatus
{
    /// <summary>Waiting to be acknowledged (签收) at the current node.</summary>
    Open,
    /// <summary>Being handled at the current node.</summary>
    Acknowledged,
    /// <summary>At least one department dispatch (派单) is outstanding.</summary>
    Dispatched,
    /// <summary>Resolved (办结), waiting for the resident's feedback (回访).</summary>
    Resolved,
    /// <summary>Closed (结案). Final.</summary>
    Closed,
    /// <summary>Withdrawn (撤销) by the resident. Final.</summary>
    Withdrawn,
    /// <summary>Merged into another case as a duplicate. Final.</summary>
    Merged,
}

public enum DispatchStatus
{
    /// <summary>Waiting for the department to report for duty (报到).</summary>
    Pending,
    Accepted,
    /// <summary>Returned by the department (退单).</summary>
    Returned,
    /// <summary>The case was resolved while this dispatch was outstanding.</summary>
    Completed,
    /// <summary>The case was withdrawn or merged while this dispatch was outstanding.</summary>
    Cancelled,
}

public enum EscalationReason
{
    /// <summary>Beyond what this level can settle.</summary>
    Manual,
    /// <summary>Not acknowledged within the response limit.</summary>
    Timeout,
    /// <summary>Not resolved within the resolution limit.</summary>
    Overdue,
    /// <summary>The category and urgency must start higher.</summary>
    Rule,
}

public enum CloseReason
{
    /// <summary>The resident said they were satisfied.</summary>
    Satisfied,
    /// <summary>A handler verified the resolution and closed it.</summary>
    Verified,
    /// <summary>The feedback window passed with no answer.</summary>
    FeedbackWindowElapsed,
}

public static class CaseStatuses
{
    public static bool IsFinal(this CaseStatus status) =>
        status is CaseStatus.Closed or CaseStatus.Withdrawn or CaseStatus.Merged;

    /// <summary>Open, acknowledged or dispatched: someone still owes the resident an answer.</summary>
    public static bool IsActive(this CaseStatus status) =>
        status is CaseStatus.Open or CaseStatus.Acknowledged or CaseStatus.Dispatched;
}
