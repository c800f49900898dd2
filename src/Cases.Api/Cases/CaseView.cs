using Cases.Domain;
using Cases.Domain.Clocks;
using Cases.Domain.Grid;

namespace Cases.Api.Cases;

public sealed record DispatchView(
    Guid DispatchId,
    string DepartmentId,
    string FromNodeId,
    DispatchStatus Status,
    DateTimeOffset DispatchedAt,
    DateTimeOffset AcceptBy,
    DateTimeOffset? AcceptedAt,
    string? ReturnReason,
    string? Instructions);

public sealed record ResidentView(string Name, string Phone, string? Address, bool Masked);

/// <summary>One running clock: <c>running</c>, <c>paused</c> or <c>expired</c>, and the stages that have fired.</summary>
public sealed record ClockView(ClockKind Clock, string Key, DateTimeOffset Deadline, string State, IReadOnlyList<ClockStage> Fired);

/// <summary>A warning (预警) or expiry, to the node that held the case when it fired.</summary>
public sealed record ClockWarningView(ClockKind Clock, ClockStage Stage, string Key, DateTimeOffset Deadline, string NodeId, DateTimeOffset At);

public sealed record PendingExtensionView(int Days, string Reason, string NodeId, DateTimeOffset RequestedAt);

/// <summary>The case as the API shows it. The resident's contact is masked for callers who may not see it.</summary>
public sealed record CaseView(
    Guid CaseId,
    string CaseNumber,
    CaseStatus Status,
    Channel Channel,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    string MicroGridId,
    string CurrentNodeId,
    GridLevel CurrentLevel,
    IReadOnlyList<string> NodePath,
    DateTimeOffset RaisedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? AcknowledgeBy,
    DateTimeOffset? ResolveBy,
    DateTimeOffset? FeedbackBy,
    bool Paused,
    string? PauseReason,
    int Escalations,
    int Reworks,
    int Supervisions,
    long Version,
    IReadOnlyList<DispatchView> Dispatches,
    Feedback? Feedback,
    string? Resolution,
    PendingExtensionView? PendingExtension,
    Guid? MergedIntoCaseId,
    bool Overdue,
    IReadOnlyList<ClockView> Clocks,
    IReadOnlyList<ClockWarningView> Warnings,
    ResidentView Resident)
{
    public static CaseView From(Case c, Actor viewer, DateTimeOffset now) => new(
        c.Id,
        c.CaseNumber,
        c.Status,
        c.Channel,
        c.Category,
        c.Urgency,
        c.Title,
        c.Description,
        c.MicroGridId,
        c.CurrentNodeId,
        c.CurrentLevel,
        c.NodePath,
        c.RaisedAt,
        c.AcknowledgedAt,
        c.ResolvedAt,
        c.ClosedAt,
        c.AcknowledgeBy,
        c.ResolveBy,
        c.FeedbackBy,
        c.Paused,
        c.PauseReason,
        c.Escalations,
        c.Reworks,
        c.Supervisions,
        c.Version,
        [.. c.Dispatches.Select(d => new DispatchView(
            d.DispatchId, d.DepartmentId, d.FromNodeId, d.Status, d.DispatchedAt, d.AcceptBy, d.AcceptedAt, d.ReturnReason, d.Instructions))],
        c.Feedback,
        c.Resolution,
        c.PendingExtension is { } p ? new PendingExtensionView(p.Days, p.Reason, p.NodeId, p.RequestedAt) : null,
        c.MergedIntoCaseId,
        CaseClocks.IsOverdue(c, now),
        CaseClocks.Running(c, now),
        [.. c.ClockMarks.Select(m => new ClockWarningView(m.Clock, m.Stage, m.Key, m.Deadline, m.NodeId, m.At))],
        PersonalData.MaySee(c, viewer)
            ? new ResidentView(c.Resident.Name, c.Resident.Phone, c.Resident.Address, Masked: false)
            : PersonalData.Mask(c.Resident));
}

/// <summary>Who may see a resident's contact: the agent who filed it, the case's handlers, and its departments.</summary>
public static class PersonalData
{
    public static bool MaySee(Case c, Actor viewer)
    {
        if (viewer.Role is "admin" || viewer.Id == c.RaisedById || c.HandlerIds.Contains(viewer.Id))
        {
            return true;
        }

        if (viewer.Role is "auditor")
        {
            return false;
        }

        // A handler at the case's node or above it on its path; a department with a dispatch for it.
        return (viewer.NodeId is { } node && c.NodePath.Contains(node))
            || (viewer.DepartmentId is { } department && c.DepartmentIds.Contains(department));
    }

    public static ResidentView Mask(Resident resident) => new(
        MaskName(resident.Name),
        MaskPhone(resident.Phone),
        resident.Address is null ? null : MaskTail(resident.Address, keep: 3),
        Masked: true);

    private static string MaskName(string name) =>
        name.Length <= 1 ? "*" : name[..1] + new string('*', Math.Min(name.Length - 1, 3));

    private static string MaskPhone(string phone) =>
        phone.Length < 7 ? new string('*', phone.Length) : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];

    private static string MaskTail(string value, int keep) =>
        value.Length <= keep ? new string('*', value.Length) : value[..keep] + "***";
}

/// <summary>The clocks a case has running, for the read side.</summary>
public static class CaseClocks
{
    public static bool IsOverdue(Case c, DateTimeOffset now) =>
        !c.Paused && ((c.Status == CaseStatus.Open && c.AcknowledgeBy < now) || (c.Status.IsActive() && c.ResolveBy < now));

    public static IReadOnlyList<ClockView> Running(Case c, DateTimeOffset now)
    {
        var clocks = new List<ClockView>();
        if (c.Status == CaseStatus.Open && c.AcknowledgeBy is { } acknowledgeBy)
        {
            clocks.Add(View(c, ClockKind.Acknowledge, c.CurrentNodeId, acknowledgeBy, now));
        }

        foreach (var dispatch in c.Dispatches.Where(d => d.Status == DispatchStatus.Pending))
        {
            clocks.Add(View(c, ClockKind.AcceptDispatch, dispatch.DispatchId.ToString(), dispatch.AcceptBy, now));
        }

        if (c.Status.IsActive() && c.ResolveBy is { } resolveBy)
        {
            clocks.Add(View(c, ClockKind.Resolve, "resolve", resolveBy, now));
        }

        if (c.Status == CaseStatus.Resolved && c.FeedbackBy is { } feedbackBy)
        {
            clocks.Add(View(c, ClockKind.FeedbackWindow, "feedback", feedbackBy, now));
        }

        return clocks;
    }

    private static ClockView View(Case c, ClockKind clock, string key, DateTimeOffset deadline, DateTimeOffset now) => new(
        clock,
        key,
        deadline,
        c.Paused ? "paused" : deadline <= now ? "expired" : "running",
        [.. c.ClockMarks.Where(m => m.Clock == clock && m.Key == key && m.Deadline == deadline).Select(m => m.Stage)]);
}
