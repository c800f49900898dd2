using Cases.Domain.Grid;

namespace Cases.Domain;

// The vocabulary of an appeal's life. Every event says who (By) and when (At); the time is the
// decision's clock, so that replaying a stream gives exactly the deadlines the handler saw.

/// <summary>Marker for the events of a case stream.</summary>
public interface ICaseEvent
{
    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>The appeal is filed and starts at <paramref name="Node"/> (its micro-grid, or higher by rule).</summary>
public sealed record AppealRaised(
    Guid CaseId,
    string CaseNumber,
    Channel Channel,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    string MicroGridId,
    Resident Resident,
    NodeRef Node,
    IReadOnlyList<string> NodePath,
    DateTimeOffset AcknowledgeBy,
    DateTimeOffset ResolveBy,
    Actor By,
    DateTimeOffset At) : ICaseEvent
{
    /// <summary>District-first ids down to the micro-grid where it happened: where the metrics count it.</summary>
    /// <remarks>Older events lack it; <see cref="OriginPath"/> is what readers use.</remarks>
    public IReadOnlyList<string>? MicroGridPath { get; init; }

    /// <summary>
    /// Where the appeal arose, district first. Events written before <see cref="MicroGridPath"/> existed started
    /// every case at its micro-grid, so their <see cref="NodePath"/> is that path.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> OriginPath => MicroGridPath ?? NodePath;
}

/// <summary>签收: the handler at the node takes the case. The first response.</summary>
public sealed record CaseAcknowledged(string NodeId, string? Note, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>上报: the case moves up to <paramref name="To"/> and waits to be acknowledged there.</summary>
public sealed record CaseEscalated(
    string FromNodeId,
    NodeRef To,
    IReadOnlyList<string> NodePath,
    EscalationReason Reason,
    string? Note,
    DateTimeOffset AcknowledgeBy,
    Actor By,
    DateTimeOffset At) : ICaseEvent;

/// <summary>派单 (the whistle): a department is asked to report for duty.</summary>
public sealed record CaseDispatched(
    Guid DispatchId,
    string DepartmentId,
    string FromNodeId,
    string? Instructions,
    DateTimeOffset AcceptBy,
    Actor By,
    DateTimeOffset At) : ICaseEvent;

/// <summary>报到: the department reports for duty.</summary>
public sealed record DispatchAccepted(Guid DispatchId, string DepartmentId, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>退单: the department hands the case back to the dispatching node.</summary>
public sealed record DispatchReturned(Guid DispatchId, string DepartmentId, string Reason, string ToNodeId, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>办结: resolved, now waiting for the resident's feedback.</summary>
public sealed record CaseResolved(string Resolution, string NodeId, string? DepartmentId, DateTimeOffset FeedbackBy, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>回访: the resident's verdict.</summary>
public sealed record FeedbackReceived(bool Satisfied, int Score, string? Comment, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>返工: unsatisfied feedback sends the case back to whoever resolved it.</summary>
/// <remarks>A rework gets a fresh resolution deadline: <paramref name="ResolveBy"/>.</remarks>
public sealed record CaseReopened(string NodeId, string? DepartmentId, int Reworks, DateTimeOffset ResolveBy, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>结案. Final.</summary>
public sealed record CaseClosed(CloseReason Reason, string? Note, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>撤销 by the resident before resolution. Final.</summary>
public sealed record CaseWithdrawn(string Reason, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>Merged into <paramref name="IntoCaseId"/> as a duplicate. Final.</summary>
public sealed record CaseMerged(Guid IntoCaseId, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>挂起 / 缓办: the clocks stop while the case waits on the resident.</summary>
public sealed record CasePaused(string Reason, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>The clocks restart; every running deadline moves by the paused time.</summary>
public sealed record CaseResumed(TimeSpan PausedFor, Actor By, DateTimeOffset At) : ICaseEvent
{
    /// <summary>A deadline that was running during the pause, as it stands after it. The one rule for shifting.</summary>
    public DateTimeOffset? Shift(DateTimeOffset? deadline) => deadline + PausedFor;

    public DateTimeOffset Shift(DateTimeOffset deadline) => deadline + PausedFor;
}

/// <summary>延期 asked for; decided one level up.</summary>
public sealed record ExtensionRequested(int Days, string Reason, string NodeId, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>The decision on the pending extension. A grant moves the resolution deadline.</summary>
public sealed record ExtensionDecided(bool Granted, int Days, DateTimeOffset ResolveBy, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>督办: supervision recorded, by hand or by a clock.</summary>
public sealed record CaseSupervised(string Note, string NodeId, Actor By, DateTimeOffset At) : ICaseEvent;

/// <summary>
/// 预警 or expiry: a clock reached a stage. Recorded by the system, with the clock that fired; the node that
/// holds the case (<paramref name="NodeId"/>) is the one warned. Any action the expiry takes follows it.
/// </summary>
public sealed record ClockElapsed(
    Clocks.ClockKind Clock,
    Clocks.ClockStage Stage,
    string Key,
    DateTimeOffset Deadline,
    string NodeId,
    Actor By,
    DateTimeOffset At) : ICaseEvent;

/// <summary>
/// The resident's contact was erased at their request: its key is gone, so the sealed contact in this case's
/// events can no longer be read. Carries nothing of what it erased. The case itself is unchanged.
/// </summary>
public sealed record ResidentContactErased(Actor By, DateTimeOffset At) : ICaseEvent;
