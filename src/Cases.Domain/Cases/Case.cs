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

public sealed record Feedback(bool Satisfied, int Score, string? Comment);

public sealed record PendingExtension(int Days, string Reason, string NodeId, DateTimeOffset RequestedAt);

/// <summary>
/// The state of one appeal, folded from its events. Immutable: <see cref="Evolve"/> returns a new value,
/// so a state fetched from the store is never changed under the store's feet.
/// </summary>
public sealed record Case
{
    public Guid Id { get; init; }

    /// <summary>The stream version this state reflects.</summary>
    public long Version { get; init; }

    public string CaseNumber { get; init; } = "";

    public CaseStatus Status { get; init; }

    public Channel Channel { get; init; }

    public string Category { get; init; } = "";

    public Urgency Urgency { get; init; }

    public string Title { get; init; } = "";

    public string Description { get; init; } = "";

    public string MicroGridId { get; init; } = "";

    public Resident Resident { get; init; } = new("", "", null);

    public string CurrentNodeId { get; init; } = "";

    public GridLevel CurrentLevel { get; init; }

    /// <summary>District-first ids down to the micro-grid where the appeal arose, as routed at intake.</summary>
    public IReadOnlyList<string> MicroGridPath { get; init; } = [];

    /// <summary>District-first ids of the current node's ancestors and itself, copied when routed.</summary>
    public IReadOnlyList<string> NodePath { get; init; } = [];

    public DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? FirstAcknowledgedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

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

    public string? PauseReason { get; init; }

    public bool Paused => PausedAt is not null;

    public int Escalations { get; init; }

    public int Reworks { get; init; }

    public int Supervisions { get; init; }

    public int ExtensionsGranted { get; init; }

    public PendingExtension? PendingExtension { get; init; }

    public IReadOnlyList<Dispatch> Dispatches { get; init; } = [];

    /// <summary>Every department the case was ever dispatched to, for the department filters.</summary>
    public IReadOnlyList<string> DepartmentIds { get; init; } = [];

    public Feedback? Feedback { get; init; }

    public string? Resolution { get; init; }

    public string? ResolvedAtNodeId { get; init; }

    public string? ResolvedByDepartmentId { get; init; }

    /// <summary>Who filed the appeal: they may see the resident's contact.</summary>
    public string RaisedById { get; init; } = "";

    /// <summary>Every actor who handled the case: they may see the resident's contact.</summary>
    public IReadOnlyList<string> HandlerIds { get; init; } = [];

    /// <summary>True once the case went above grid level or to a department: it was not settled in the grid.</summary>
    public bool LeftGrid { get; init; }

    public Guid? MergedIntoCaseId { get; init; }

    public DateTimeOffset LastEventAt { get; init; }

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
            CaseAcknowledged e => current with
            {
                Status = CaseStatus.Acknowledged,
                AcknowledgedAt = e.At,
                FirstAcknowledgedAt = current.FirstAcknowledgedAt ?? e.At,
                AcknowledgeBy = null,
            },
            CaseEscalated e => current with
            {
                Status = CaseStatus.Open,
                CurrentNodeId = e.To.Id,
                CurrentLevel = e.To.Level,
                NodePath = [.. e.NodePath],
                AcknowledgedAt = null,
                AcknowledgeBy = e.AcknowledgeBy,
                AcknowledgeFrom = e.At,
                Escalations = current.Escalations + 1,
                LeftGrid = current.LeftGrid || e.To.Level < GridLevel.Grid,
            },
            CaseDispatched e => current with
            {
                Status = CaseStatus.Dispatched,
                Dispatches = [.. current.Dispatches, new Dispatch(
                    e.DispatchId, e.DepartmentId, e.FromNodeId, e.Instructions, DispatchStatus.Pending, e.At, e.AcceptBy, null, null)],
                DepartmentIds = current.DepartmentIds.Contains(e.DepartmentId) ? current.DepartmentIds : [.. current.DepartmentIds, e.DepartmentId],
                LeftGrid = true,
            },
            DispatchAccepted e => current.WithDispatch(e.DispatchId, d => d with { Status = DispatchStatus.Accepted, AcceptedAt = e.At }),
            DispatchReturned e => current.Returned(e),
            CaseResolved e => current with
            {
                Status = CaseStatus.Resolved,
                ResolvedAt = e.At,
                Resolution = e.Resolution,
                ResolvedAtNodeId = e.NodeId,
                ResolvedByDepartmentId = e.DepartmentId,
                FeedbackBy = e.FeedbackBy,
                AcknowledgeBy = null,
                PendingExtension = null,
                Dispatches = [.. current.Dispatches.Select(d => d.IsOutstanding ? d with { Status = DispatchStatus.Completed } : d)],
            },
            FeedbackReceived e => current with { Feedback = new Feedback(e.Satisfied, e.Score, e.Comment) },
            CaseReopened e => current.Reopened(e),
            CaseClosed e => current with { Status = CaseStatus.Closed, ClosedAt = e.At, FeedbackBy = null },
            CaseWithdrawn e => current.Ended() with { Status = CaseStatus.Withdrawn, ClosedAt = e.At },
            CaseMerged e => current.Ended() with { Status = CaseStatus.Merged, ClosedAt = e.At, MergedIntoCaseId = e.IntoCaseId },
            CasePaused e => current with { PausedAt = e.At, PauseReason = e.Reason },
            CaseResumed e => current.Resumed(e.PausedFor),
            ExtensionRequested e => current with { PendingExtension = new PendingExtension(e.Days, e.Reason, e.NodeId, e.At) },
            ExtensionDecided e => current with
            {
                PendingExtension = null,
                ResolveBy = e.ResolveBy,
                ExtensionsGranted = current.ExtensionsGranted + (e.Granted ? 1 : 0),
            },
            CaseSupervised => current with { Supervisions = current.Supervisions + 1 },
            ClockElapsed e => current with { ClockMarks = [.. current.ClockMarks, new ClockMark(e.Clock, e.Stage, e.Key, e.Deadline, e.NodeId, e.At)] },
            _ => current,
        };

        if (@event is ICaseEvent caseEvent)
        {
            next = next with
            {
                LastEventAt = caseEvent.At,
                HandlerIds = caseEvent.By.Id == Actor.System.Id || next.HandlerIds.Contains(caseEvent.By.Id)
                    ? next.HandlerIds
                    : [.. next.HandlerIds, caseEvent.By.Id],
            };
        }

        return next with { Version = current.Version + 1 };
    }

    private Case Raised(AppealRaised e) => this with
    {
        Id = e.CaseId,
        CaseNumber = e.CaseNumber,
        Status = CaseStatus.Open,
        Channel = e.Channel,
        Category = e.Category,
        Urgency = e.Urgency,
        Title = e.Title,
        Description = e.Description,
        MicroGridId = e.MicroGridId,
        Resident = e.Resident,
        CurrentNodeId = e.Node.Id,
        CurrentLevel = e.Node.Level,
        NodePath = [.. e.NodePath],
        MicroGridPath = [.. e.MicroGridPath ?? e.NodePath],
        RaisedAt = e.At,
        AcknowledgeBy = e.AcknowledgeBy,
        ResolveBy = e.ResolveBy,
        AcknowledgeFrom = e.At,
        ResolveFrom = e.At,
        RaisedById = e.By.Id,
        LeftGrid = e.Node.Level < GridLevel.Grid,
    };

    /// <summary>
    /// 返工 goes back to whoever resolved it: the department, through its dispatch, or else the node.
    /// </summary>
    private Case Reopened(CaseReopened e)
    {
        var reopened = this with { Reworks = e.Reworks, ResolvedAt = null, FeedbackBy = null, ResolveBy = e.ResolveBy, ResolveFrom = e.At, AcknowledgedAt = e.At };
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
        PauseReason = null,
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

    private Case Resumed(TimeSpan pausedFor) => this with
    {
        // The stages that already fired for a running clock move with its deadline, so they do not fire again.
        ClockMarks = [.. ClockMarks.Select(m => IsRunning(m) ? m with { Deadline = m.Deadline + pausedFor } : m)],
        PausedAt = null,
        PauseReason = null,
        AcknowledgeBy = AcknowledgeBy + pausedFor,
        ResolveBy = ResolveBy + pausedFor,
        AcknowledgeFrom = AcknowledgeFrom + pausedFor,
        ResolveFrom = ResolveFrom + pausedFor,
        FeedbackBy = FeedbackBy + pausedFor,
        Dispatches = [.. Dispatches.Select(d => d.Status == DispatchStatus.Pending
            ? d with { AcceptBy = d.AcceptBy + pausedFor, AcceptFrom = (d.AcceptFrom ?? d.DispatchedAt) + pausedFor }
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
