using Cases.Domain;

namespace Cases.Projections.Metrics;

/// <summary>What a case's dispatch is, as far as the backlog needs to know: its department and status.</summary>
public sealed record DispatchMark(Guid Id, string DepartmentId, DispatchStatus Status)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOutstanding => Status is DispatchStatus.Pending or DispatchStatus.Accepted;
}

/// <summary>
/// The backlog's facts: whether the case is open now and from when it is overdue. They restate, over the few facts
/// it depends on, the domain's <see cref="Case.OverdueFrom"/> (status, pause, the running deadlines, and whether a
/// dispatch is still outstanding), so that the rollups can count open and overdue cases by due day instead of a
/// query scanning the cases. Every transition mirrors <see cref="Case.Evolve"/>; a test folds thousands of
/// generated histories both ways and compares them with the case read model.
/// </summary>
public sealed partial record CaseFacts
{
    public CaseStatus Status { get; init; }

    public bool Paused { get; init; }

    /// <summary>The running acknowledge deadline as the domain holds it (null once acknowledged).</summary>
    public DateTimeOffset? AcknowledgeDue { get; init; }

    /// <summary>The running resolve deadline as the domain holds it (moved by reopening and extensions).</summary>
    public DateTimeOffset? ResolveDue { get; init; }

    public IReadOnlyList<DispatchMark> DispatchMarks { get; init; } = [];

    /// <summary>Someone still owes the resident an answer: the case counts in the backlog.</summary>
    public bool Active { get; init; }

    /// <summary>From when the case is overdue if nobody acts; null when it cannot be (<see cref="Case.OverdueFrom"/>).</summary>
    public DateTimeOffset? OverdueFrom { get; init; }

    private CaseFacts FoldBacklog(object @event)
    {
        var next = @event switch
        {
            AppealRaised e => this with { Status = CaseStatus.Open, AcknowledgeDue = e.AcknowledgeBy, ResolveDue = e.ResolveBy },
            CaseAcknowledged => this with { Status = CaseStatus.Acknowledged, AcknowledgeDue = null },
            CaseEscalated e => this with { Status = CaseStatus.Open, AcknowledgeDue = e.AcknowledgeBy },
            CaseDispatched e => this with
            {
                Status = CaseStatus.Dispatched,
                DispatchMarks = [.. DispatchMarks, new DispatchMark(e.DispatchId, e.DepartmentId, DispatchStatus.Pending)],
            },
            DispatchAccepted e => WithDispatch(e.DispatchId, DispatchStatus.Accepted),
            DispatchReturned e => Returned(e),
            CaseResolved => this with
            {
                Status = CaseStatus.Resolved,
                AcknowledgeDue = null,
                DispatchMarks = [.. DispatchMarks.Select(d => d.IsOutstanding ? d with { Status = DispatchStatus.Completed } : d)],
            },
            CaseReopened e => ReopenedAt(e),
            CaseClosed => this with { Status = CaseStatus.Closed },
            CaseWithdrawn => Ended() with { Status = CaseStatus.Withdrawn },
            CaseMerged => Ended() with { Status = CaseStatus.Merged },
            CasePaused => this with { Paused = true },
            CaseResumed e => this with { Paused = false, AcknowledgeDue = e.Shift(AcknowledgeDue), ResolveDue = e.Shift(ResolveDue) },
            ExtensionDecided e => this with { ResolveDue = e.ResolveBy },
            _ => this,
        };

        return ReferenceEquals(next, this) ? this : next.Refreshed();
    }

    private CaseFacts Refreshed()
    {
        var active = Status.IsActive();
        var acknowledge = Status == CaseStatus.Open ? AcknowledgeDue : null;
        DateTimeOffset? overdueFrom = Paused || !active ? null : acknowledge is { } a && (ResolveDue is not { } r || a < r) ? a : ResolveDue;
        return this with { Active = active, OverdueFrom = overdueFrom };
    }

    private CaseFacts WithDispatch(Guid dispatchId, DispatchStatus status) =>
        DispatchMarks.Any(d => d.Id == dispatchId)
            ? this with { DispatchMarks = [.. DispatchMarks.Select(d => d.Id == dispatchId ? d with { Status = status } : d)] }
            : this;

    private CaseFacts Returned(DispatchReturned e)
    {
        var next = WithDispatch(e.DispatchId, DispatchStatus.Returned);
        return next.DispatchMarks.Any(d => d.IsOutstanding) ? next : next with { Status = CaseStatus.Acknowledged };
    }

    private CaseFacts ReopenedAt(CaseReopened e)
    {
        var reopened = this with { ResolveDue = e.ResolveBy };
        var dispatch = e.DepartmentId is null
            ? null
            : DispatchMarks.LastOrDefault(d => d.DepartmentId == e.DepartmentId && d.Status == DispatchStatus.Completed);
        return dispatch is null
            ? reopened with { Status = CaseStatus.Acknowledged }
            : reopened.WithDispatch(dispatch.Id, DispatchStatus.Accepted) with { Status = CaseStatus.Dispatched };
    }

    private CaseFacts Ended() => this with
    {
        AcknowledgeDue = null,
        Paused = false,
        DispatchMarks = [.. DispatchMarks.Select(d => d.IsOutstanding ? d with { Status = DispatchStatus.Cancelled } : d)],
    };
}
