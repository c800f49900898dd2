using Cases.Domain.Clocks;
using Cases.Domain.Grid;

namespace Cases.Domain;

/// <summary>One department dispatch of a case, as the case sees it.</summary>
public sealed record Dispatch(
    Guid DispatchId,
    string DepartmentId,
    string FromNodeId,
    string? Instructions,
    DispatchStatus Status,
    DateTimeOffset DispatchedAt,
    DateTimeOffset AcceptBy,
    DateTimeOffset? AcceptedAt,
    string? ReturnReason)
{
    public bool IsOutstanding => Status is DispatchStatus.Pending or DispatchStatus.Accepted;

    /// <summary>When the acceptance clock started: the dispatch, moved on by pauses.</summary>
    public DateTimeOffset? AcceptFrom { get; init; }
}

public sealed record PendingExtension(int Days, string Reason, string NodeId, DateTimeOffset RequestedAt);

/// <summary>
/// The decision state of one appeal, folded from its events: what the decisions and the clocks consult, and
/// nothing more. What people read (the resident, the texts, who handled it) is the read model's, in
/// Cases.Projections. Immutable: <see cref="Evolve"/> returns a new value.
/// </summary>
public sealed record Case
{
    public Guid Id { get; init; }

    /// <summary>The stream version this state reflects.</summary>
    public long Version { get; init; }

    public string CaseNumber { get; init; } = "";

    public CaseStatus Status { get; init; }

    public string Category { get; init; } = "";

    public Urgency Urgency { get; init; }

    public string CurrentNodeId { get; init; } = "";

    public GridLevel CurrentLevel { get; init; }

    /// <summary>District-first ids of the current node's ancestors and itself, copied when routed.</summary>
    public IReadOnlyList<string> NodePath { get; init; } = [];

    public DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset? AcknowledgeBy { get; init; }

    public DateTimeOffset? ResolveBy { get; init; }

    public DateTimeOffset? FeedbackBy { get; init; }

    /// <summary>When the running acknowledge clock started (moved on by pauses).</summary>
    public DateTimeOffset? AcknowledgeFrom { get; init; }

    /// <summary>When the running resolve clock started (moved on by pauses).</summary>
    public DateTimeOffset? ResolveFrom { get; init; }

    /// <summary>Every clock stage that has fired: the warnings (预警) and expiries.</summary>
    public IReadOnlyList<ClockMark> ClockMarks { get; init; } = [];

    public DateTimeOffset? PausedAt { get; init; }

    public bool Paused => PausedAt is not null;

    public int Reworks { get; init; }

    public PendingExtension? PendingExtension { get; init; }

    public IReadOnlyList<Dispatch> Dispatches { get; init; } = [];

    public string? ResolvedAtNodeId { get; init; }

    public string? ResolvedByDepartmentId { get; init; }

    /// <summary>
    /// Since when the case is overdue (超期) if nobody acts: the earliest running acknowledge or resolve deadline,
    /// or null while paused or no longer active. The one definition of "overdue"; the read model stores it as a
    /// column, so lists, boards and the backlog compare it with the time and never restate the rule.
    /// </summary>
    public DateTimeOffset? OverdueFrom()
    {
        if (Paused || !Status.IsActive())
        {
            return null;
        }

        var acknowledge = Status == CaseStatus.Open ? AcknowledgeBy : null;
        return acknowledge is { } a && (ResolveBy is not { } r || a < r) ? a : ResolveBy;
    }

    public bool IsOverdue(DateTimeOffset now) => OverdueFrom() < now;

    public Dispatch? FindDispatch(Guid dispatchId) => Dispatches.FirstOrDefault(d => d.DispatchId == dispatchId);

    public bool HasFired(ClockKind clock, ClockStage stage, string key, DateTimeOffset deadline) =>
        ClockMarks.Any(m => m.Clock == clock && m.Stage == stage && m.Key == key && m.Deadline == deadline);

    /// <summary>Folds one event into the state. Unknown events leave the state as it is, version aside.</summary>
    public static Case Evolve(Case? state, object @event)
    {
        var current = state ?? new Case();
        var next = @event switch
        {
            AppealRaised e => current.Raised(e),
            CaseAcknowledged => current with { Status = CaseStatus.Acknowledged, AcknowledgeBy = null },
            CaseEscalated e => current with
            {
                Status = CaseStatus.Open,
                CurrentNodeId = e.To.Id,
                CurrentLevel = e.To.Level,
                NodePath = [.. e.NodePath],
                AcknowledgeBy = e.AcknowledgeBy,
                AcknowledgeFrom = e.At,
            },
            CaseDispatched e => current with
            {
                Status = CaseStatus.Dispatched,
                Dispatches = [.. current.Dispatches, new Dispatch(
                    e.DispatchId, e.DepartmentId, e.FromNodeId, e.Instructions, DispatchStatus.Pending, e.At, e.AcceptBy, null, null)],
            },
            DispatchAccepted e => current.WithDispatch(e.DispatchId, d => d with { Status = DispatchStatus.Accepted, AcceptedAt = e.At }),
            DispatchReturned e => current.Returned(e),
            CaseResolved e => current with
            {
                Status = CaseStatus.Resolved,
                ResolvedAtNodeId = e.NodeId,
                ResolvedByDepartmentId = e.DepartmentId,
                FeedbackBy = e.FeedbackBy,
                AcknowledgeBy = null,
                PendingExtension = null,
                Dispatches = [.. current.Dispatches.Select(d => d.IsOutstanding ? d with { Status = DispatchStatus.Completed } : d)],
            },
            CaseReopened e => current.Reopened(e),
            CaseClosed => current with { Status = CaseStatus.Closed, FeedbackBy = null },
            CaseWithdrawn => current.Ended() with { Status = CaseStatus.Withdrawn },
            CaseMerged => current.Ended() with { Status = CaseStatus.Merged },
            CasePaused e => current with { PausedAt = e.At },
            CaseResumed e => current.Resumed(e),
            ExtensionRequested e => current with { PendingExtension = new PendingExtension(e.Days, e.Reason, e.NodeId, e.At) },
            ExtensionDecided e => current with { PendingExtension = null, ResolveBy = e.ResolveBy },
            ClockElapsed e => current with { ClockMarks = [.. current.ClockMarks, new ClockMark(e.Clock, e.Stage, e.Key, e.Deadline, e.NodeId, e.At)] },
            _ => current,
        };

        return next with { Version = current.Version + 1 };
    }

    private Case Raised(AppealRaised e) => this with
    {
        Id = e.CaseId,
        CaseNumber = e.CaseNumber,
        Status = CaseStatus.Open,
        Category = e.Category,
        Urgency = e.Urgency,
        CurrentNodeId = e.Node.Id,
        CurrentLevel = e.Node.Level,
        NodePath = [.. e.NodePath],
        RaisedAt = e.At,
        AcknowledgeBy = e.AcknowledgeBy,
        ResolveBy = e.ResolveBy,
        AcknowledgeFrom = e.At,
        ResolveFrom = e.At,
    };

    /// <summary>
    /// 返工 goes back to whoever resolved it: the department, through its dispatch, or else the node.
    /// </summary>
    private Case Reopened(CaseReopened e)
    {
        var reopened = this with { Reworks = e.Reworks, FeedbackBy = null, ResolveBy = e.ResolveBy, ResolveFrom = e.At };
        var dispatch = e.DepartmentId is null
            ? null
            : Dispatches.LastOrDefault(d => d.DepartmentId == e.DepartmentId && d.Status == DispatchStatus.Completed);
        return dispatch is null
            ? reopened with { Status = CaseStatus.Acknowledged, CurrentNodeId = e.NodeId }
            : reopened.WithDispatch(dispatch.DispatchId, d => d with { Status = DispatchStatus.Accepted }) with { Status = CaseStatus.Dispatched };
    }

    /// <summary>A withdrawn or merged case has no clocks, no pending requests and no outstanding dispatches.</summary>
    private Case Ended() => this with
    {
        AcknowledgeBy = null,
        PendingExtension = null,
        PausedAt = null,
        Dispatches = [.. Dispatches.Select(d => d.IsOutstanding ? d with { Status = DispatchStatus.Cancelled } : d)],
    };

    private Case WithDispatch(Guid dispatchId, Func<Dispatch, Dispatch> change) => this with
    {
        Dispatches = [.. Dispatches.Select(d => d.DispatchId == dispatchId ? change(d) : d)],
    };

    private Case Returned(DispatchReturned e)
    {
        var next = WithDispatch(e.DispatchId, d => d with { Status = DispatchStatus.Returned, ReturnReason = e.Reason });
        return next.Dispatches.Any(d => d.IsOutstanding)
            ? next
            : next with { Status = CaseStatus.Acknowledged, CurrentNodeId = e.ToNodeId };
    }

    private Case Resumed(CaseResumed e) => this with
    {
        // The stages that already fired for a running clock move with its deadline, so they do not fire again.
        ClockMarks = [.. ClockMarks.Select(m => IsRunning(m) ? m with { Deadline = e.Shift(m.Deadline) } : m)],
        PausedAt = null,
        AcknowledgeBy = e.Shift(AcknowledgeBy),
        ResolveBy = e.Shift(ResolveBy),
        AcknowledgeFrom = e.Shift(AcknowledgeFrom),
        ResolveFrom = e.Shift(ResolveFrom),
        FeedbackBy = e.Shift(FeedbackBy),
        Dispatches = [.. Dispatches.Select(d => d.Status == DispatchStatus.Pending
            ? d with { AcceptBy = e.Shift(d.AcceptBy), AcceptFrom = e.Shift(d.AcceptFrom ?? d.DispatchedAt) }
            : d)],
    };

    private bool IsRunning(ClockMark mark) => mark.Clock switch
    {
        ClockKind.Acknowledge => mark.Deadline == AcknowledgeBy,
        ClockKind.Resolve => mark.Deadline == ResolveBy,
        ClockKind.FeedbackWindow => mark.Deadline == FeedbackBy,
        ClockKind.AcceptDispatch => Dispatches.Any(d => d.Status == DispatchStatus.Pending && d.DispatchId.ToString() == mark.Key && d.AcceptBy == mark.Deadline),
        _ => false,
    };
}
