using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Sla;

namespace Cases.Projections.Metrics;

/// <summary>
/// What the metrics need to know about one case, folded from its events. A case counts in the buckets of the
/// day it was raised (China Standard Time), its category, every node from its micro-grid up to the district,
/// and every department it was dispatched to. Durations are in seconds.
/// </summary>
public sealed partial record CaseFacts
{
    public Guid Id { get; init; }

    public string Category { get; init; } = "";

    public DateOnly Day { get; init; }

    public DateTimeOffset RaisedAt { get; init; }

    public IReadOnlyList<string> Nodes { get; init; } = [];

    public IReadOnlyList<string> Departments { get; init; } = [];

    public bool Acknowledged { get; init; }

    public bool AcknowledgedOnTime { get; init; }

    public double? AcknowledgeSeconds { get; init; }

    public int Escalations { get; init; }

    public int EscalatedManual { get; init; }

    public int EscalatedTimeout { get; init; }

    public int EscalatedOverdue { get; init; }

    public int EscalatedRule { get; init; }

    public int Dispatches { get; init; }

    public int Returns { get; init; }

    public IReadOnlyList<double> AcceptSeconds { get; init; } = [];

    public bool Resolved { get; init; }

    public bool ResolvedOnTime { get; init; }

    public double? ResolveSeconds { get; init; }

    public bool Reopened { get; init; }

    public bool Closed { get; init; }

    public double? CloseSeconds { get; init; }

    public bool Withdrawn { get; init; }

    public int Feedback { get; init; }

    public int Satisfied { get; init; }

    public bool Extended { get; init; }

    public bool LeftGrid { get; init; }

    public int Warnings { get; init; }

    public int Supervisions { get; init; }

    // The deadlines in force, to judge "on time" when the answer comes.
    public DateTimeOffset? AcknowledgeBy { get; init; }

    public DateTimeOffset? ResolveBy { get; init; }

    public IReadOnlyDictionary<Guid, DateTimeOffset> DispatchedAt { get; init; } = new Dictionary<Guid, DateTimeOffset>();

    /// <summary>Resolved without leaving the grid: no escalation above grid level and no dispatch (事在格中办).</summary>
    public bool SettledInGrid => Resolved && !LeftGrid;

    /// <summary>Folds one event into the figures' facts and the backlog's (<see cref="FoldBacklog"/>).</summary>
    public static CaseFacts? Fold(CaseFacts? facts, object @event) => FoldFigures(facts, @event)?.FoldBacklog(@event);

    private static CaseFacts? FoldFigures(CaseFacts? facts, object @event) => (facts, @event) switch
    {
        (null, AppealRaised e) => new CaseFacts
        {
            Id = e.CaseId,
            Category = e.Category,
            Day = DayOf(e.At),
            RaisedAt = e.At,
            Nodes = [.. e.OriginPath],
            AcknowledgeBy = e.AcknowledgeBy,
            ResolveBy = e.ResolveBy,
            LeftGrid = Settlement.LeavesGrid(e),
            EscalatedRule = e.Node.Level < GridLevel.MicroGrid ? 1 : 0,
            Escalations = e.Node.Level < GridLevel.MicroGrid ? 1 : 0,
        },
        (null, _) => null,
        ({ } f, AppealRaised) => throw new InvalidOperationException($"Case {f.Id} is raised twice: the stream is corrupt."),
        ({ } f, CaseAcknowledged e) when !f.Acknowledged => f with
        {
            Acknowledged = true,
            AcknowledgedOnTime = f.AcknowledgeBy is null || e.At <= f.AcknowledgeBy,
            AcknowledgeSeconds = Seconds(e.At - f.RaisedAt),
        },
        ({ } f, CaseEscalated e) => f with
        {
            Escalations = f.Escalations + 1,
            EscalatedManual = f.EscalatedManual + (e.Reason == EscalationReason.Manual ? 1 : 0),
            EscalatedTimeout = f.EscalatedTimeout + (e.Reason == EscalationReason.Timeout ? 1 : 0),
            EscalatedOverdue = f.EscalatedOverdue + (e.Reason == EscalationReason.Overdue ? 1 : 0),
            EscalatedRule = f.EscalatedRule + (e.Reason == EscalationReason.Rule ? 1 : 0),
            AcknowledgeBy = f.Acknowledged ? f.AcknowledgeBy : e.AcknowledgeBy,
            LeftGrid = f.LeftGrid || Settlement.LeavesGrid(e),
        },
        ({ } f, CaseDispatched e) => f with
        {
            Dispatches = f.Dispatches + 1,
            Departments = f.Departments.Contains(e.DepartmentId) ? f.Departments : [.. f.Departments, e.DepartmentId],
            DispatchedAt = new Dictionary<Guid, DateTimeOffset>(f.DispatchedAt) { [e.DispatchId] = e.At },
            LeftGrid = f.LeftGrid || Settlement.LeavesGrid(e),
        },
        ({ } f, DispatchAccepted e) when f.DispatchedAt.TryGetValue(e.DispatchId, out var dispatchedAt) => f with
        {
            AcceptSeconds = [.. f.AcceptSeconds, Seconds(e.At - dispatchedAt)],
        },
        ({ } f, DispatchReturned) => f with { Returns = f.Returns + 1 },
        ({ } f, CaseResolved e) when !f.Resolved => f with
        {
            Resolved = true,
            ResolvedOnTime = f.ResolveBy is null || e.At <= f.ResolveBy,
            ResolveSeconds = Seconds(e.At - f.RaisedAt),
        },
        ({ } f, FeedbackReceived e) => f with { Feedback = f.Feedback + 1, Satisfied = f.Satisfied + (e.Satisfied ? 1 : 0) },
        ({ } f, CaseReopened) => f with { Reopened = true },
        ({ } f, CaseClosed e) => f with { Closed = true, CloseSeconds = Seconds(e.At - f.RaisedAt) },
        ({ } f, CaseWithdrawn) => f with { Withdrawn = true },
        ({ } f, CaseResumed e) => f with
        {
            AcknowledgeBy = f.Acknowledged ? f.AcknowledgeBy : e.Shift(f.AcknowledgeBy),
            ResolveBy = f.Resolved ? f.ResolveBy : e.Shift(f.ResolveBy),
        },
        ({ } f, ExtensionDecided e) when e.Granted => f with
        {
            Extended = true,
            ResolveBy = f.Resolved ? f.ResolveBy : e.ResolveBy,
        },
        ({ } f, ClockElapsed e) when e.Stage != Domain.Clocks.ClockStage.Expired => f with { Warnings = f.Warnings + 1 },
        ({ } f, CaseSupervised) => f with { Supervisions = f.Supervisions + 1 },
        ({ } f, _) => f,
    };

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(WorkingCalendar.ChinaStandardTime).DateTime);

    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
