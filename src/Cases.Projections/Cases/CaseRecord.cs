using Cases.Domain;
using Cases.Domain.Clocks;

namespace Cases.Projections.Cases;

/// <summary>The resident's verdict (回访), as people read it.</summary>
public sealed record Feedback(bool Satisfied, int Score, string? Comment);

/// <summary>
/// A case as people read it: the case view, the case list and the boards. It wraps the domain's decision state,
/// folded by the domain's own <see cref="Case.Evolve"/>, and adds what only readers need: the texts, the resident,
/// who handled it and when things happened. The scalar and array properties marked "column" are duplicated into
/// Marten-maintained columns (see <see cref="CaseRecordSchema"/>); queries read those and never a JSON path.
/// </summary>
public sealed record CaseRecord
{
    public Guid Id { get; init; }

    /// <summary>The decision state, exactly as the command path sees it.</summary>
    public Case State { get; init; } = new();

    // Columns: kept equal to the state's values by Refresh after every event.

    public string CaseNumber { get; init; } = "";

    public CaseStatus Status { get; init; }

    public string Category { get; init; } = "";

    public DateTimeOffset RaisedAt { get; init; }

    public string CurrentNodeId { get; init; } = "";

    /// <summary>Someone still owes the resident an answer (<see cref="CaseStatuses.IsActive"/>).</summary>
    public bool Active { get; init; }

    /// <summary>From when the case is overdue (<see cref="Case.OverdueFrom"/>); null when it cannot be.</summary>
    public DateTimeOffset? OverdueFrom { get; init; }

    /// <summary>A running clock has given a warning (预警) for its current deadline.</summary>
    public bool Warned { get; init; }

    /// <summary>District-first ids down to the node that holds the case.</summary>
    public string[] NodePath { get; init; } = [];

    /// <summary>District-first ids down to the micro-grid where the appeal arose: where the metrics count it.</summary>
    public string[] OriginPath { get; init; } = [];

    /// <summary>Every department the case was ever dispatched to.</summary>
    public string[] DepartmentIds { get; init; } = [];

    /// <summary>Departments with a dispatch waiting for acceptance (报到).</summary>
    public string[] PendingDepartmentIds { get; init; } = [];

    /// <summary>Departments with an accepted dispatch still being worked.</summary>
    public string[] AcceptedDepartmentIds { get; init; } = [];

    /// <summary>Departments whose pending dispatch is past its acceptance limit.</summary>
    public string[] AcceptanceOverdueDepartmentIds { get; init; } = [];

    // What only readers need.

    public Channel Channel { get; init; }

    public string Title { get; init; } = "";

    public string Description { get; init; } = "";

    public string MicroGridId { get; init; } = "";

    /// <summary>The contact as stored: sealed with the resident's key (see Cases.Api's ResidentVault).</summary>
    public Resident Resident { get; init; } = new("", "", null);

    /// <summary>The resident's contact was erased: <see cref="Resident"/> holds nothing any more.</summary>
    public bool ResidentErased { get; init; }

    /// <summary>Who filed the appeal: they may see the resident's contact.</summary>
    public string RaisedById { get; init; } = "";

    /// <summary>Every person who acted on the case: they may see the resident's contact.</summary>
    public IReadOnlyList<string> HandlerIds { get; init; } = [];

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public string? PauseReason { get; init; }

    public int Escalations { get; init; }

    public int Supervisions { get; init; }

    public Feedback? Feedback { get; init; }

    public string? Resolution { get; init; }

    public Guid? MergedIntoCaseId { get; init; }

    /// <summary>Went above grid level or to a department (<see cref="Settlement.LeavesGrid"/>).</summary>
    public bool LeftGrid { get; init; }

    /// <summary>Folds one event. The decision state is the domain's fold; the rest is what readers see.</summary>
    public static CaseRecord Fold(CaseRecord? record, object @event)
    {
        var current = record ?? new CaseRecord();
        var next = (@event switch
        {
            AppealRaised e => current with
            {
                Id = e.CaseId,
                Channel = e.Channel,
                Title = e.Title,
                Description = e.Description,
                MicroGridId = e.MicroGridId,
                Resident = e.Resident,
                RaisedById = e.By.Id,
                OriginPath = [.. e.OriginPath],
            },
            CaseAcknowledged e => current with { AcknowledgedAt = e.At },
            CaseEscalated => current with { AcknowledgedAt = null, Escalations = current.Escalations + 1 },
            CaseDispatched e => current with
            {
                DepartmentIds = current.DepartmentIds.Contains(e.DepartmentId) ? current.DepartmentIds : [.. current.DepartmentIds, e.DepartmentId],
            },
            CaseResolved e => current with { ResolvedAt = e.At, Resolution = e.Resolution },
            FeedbackReceived e => current with { Feedback = new Feedback(e.Satisfied, e.Score, e.Comment) },
            CaseReopened e => current with { ResolvedAt = null, AcknowledgedAt = e.At },
            CaseClosed e => current with { ClosedAt = e.At },
            CaseWithdrawn e => current with { ClosedAt = e.At, PauseReason = null },
            CaseMerged e => current with { ClosedAt = e.At, MergedIntoCaseId = e.IntoCaseId, PauseReason = null },
            CasePaused e => current with { PauseReason = e.Reason },
            CaseResumed => current with { PauseReason = null },
            CaseSupervised => current with { Supervisions = current.Supervisions + 1 },
            ResidentContactErased => current with { Resident = new Resident("", "", null), ResidentErased = true },
            _ => current,
        }) with
        {
            State = Case.Evolve(record?.State, @event),
            LeftGrid = current.LeftGrid || Settlement.LeavesGrid(@event),
        };

        // An erasure is no handling of the case: it gives its actor no claim to see the (gone) contact.
        if (@event is ICaseEvent { By: var by } and not ResidentContactErased && by.Id != Actor.System.Id && !next.HandlerIds.Contains(by.Id))
        {
            next = next with { HandlerIds = [.. next.HandlerIds, by.Id] };
        }

        return next.Refresh();
    }

    /// <summary>Folds a whole history; null for none.</summary>
    public static CaseRecord? FoldAll(IEnumerable<object> events) =>
        events.Aggregate((CaseRecord?)null, (record, e) => Fold(record, e));

    private CaseRecord Refresh()
    {
        var s = State;
        var outstanding = s.Dispatches.Where(d => d.IsOutstanding).ToList();
        return this with
        {
            CaseNumber = s.CaseNumber,
            Status = s.Status,
            Category = s.Category,
            RaisedAt = s.RaisedAt,
            CurrentNodeId = s.CurrentNodeId,
            Active = s.Status.IsActive(),
            OverdueFrom = s.OverdueFrom(),
            Warned = RunningClocks.Of(s).Any(c => c.Warned),
            NodePath = [.. s.NodePath],
            PendingDepartmentIds = [.. outstanding.Where(d => d.Status == DispatchStatus.Pending).Select(d => d.DepartmentId).Distinct()],
            AcceptedDepartmentIds = [.. outstanding.Where(d => d.Status == DispatchStatus.Accepted).Select(d => d.DepartmentId).Distinct()],
            AcceptanceOverdueDepartmentIds = [.. RunningClocks.AcceptanceOverdueDepartments(s)],
        };
    }
}
