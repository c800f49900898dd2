using Cases.Domain;
using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using Cases.Projections.Cases;

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

/// <summary>The resident's contact; <c>erased</c> once the resident had it erased (then the fields are empty).</summary>
public sealed record ResidentView(string Name, string Phone, string? Address, bool Masked, bool Erased = false)
{
    public static ResidentView Gone { get; } = new("", "", null, Masked: true, Erased: true);
}

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
    /// <param name="keys">The keys that open the case's sealed contact (<see cref="Residents.ResidentVault"/>).</param>
    public static CaseView From(CaseRecord r, Actor viewer, DateTimeOffset now, Residents.ResidentKeys keys)
    {
        var c = r.State;
        return new(
            r.Id,
            r.CaseNumber,
            c.Status,
            r.Channel,
            c.Category,
            c.Urgency,
            r.Title,
            r.Description,
            r.MicroGridId,
            c.CurrentNodeId,
            c.CurrentLevel,
            c.NodePath,
            c.RaisedAt,
            r.AcknowledgedAt,
            r.ResolvedAt,
            r.ClosedAt,
            c.AcknowledgeBy,
            c.ResolveBy,
            c.FeedbackBy,
            c.Paused,
            r.PauseReason,
            r.Escalations,
            c.Reworks,
            r.Supervisions,
            c.Version,
            [.. c.Dispatches.Select(d => new DispatchView(
                d.DispatchId, d.DepartmentId, d.FromNodeId, d.Status, d.DispatchedAt, d.AcceptBy, d.AcceptedAt, d.ReturnReason, d.Instructions))],
            r.Feedback,
            r.Resolution,
            c.PendingExtension is { } p ? new PendingExtensionView(p.Days, p.Reason, p.NodeId, p.RequestedAt) : null,
            r.MergedIntoCaseId,
            c.IsOverdue(now),
            [.. RunningClocks.Of(c).Select(k => new ClockView(k.Clock, k.Key, k.Deadline, c.Paused ? "paused" : k.Deadline <= now ? "expired" : "running", k.Fired))],
            [.. c.ClockMarks.Select(m => new ClockWarningView(m.Clock, m.Stage, m.Key, m.Deadline, m.NodeId, m.At))],
            PersonalData.View(r, viewer, keys.Open(r)));
    }
}

/// <summary>Who may see a resident's contact: the agent who filed it, the case's handlers, and its departments.</summary>
public static class PersonalData
{
    public static bool MaySee(CaseRecord c, Actor viewer)
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

    /// <summary>What <paramref name="viewer"/> sees of the case's contact, given it in the clear (null once erased).</summary>
    public static ResidentView View(CaseRecord c, Actor viewer, Resident? contact) =>
        contact is null ? ResidentView.Gone
        : MaySee(c, viewer) ? new ResidentView(contact.Name, contact.Phone, contact.Address, Masked: false)
        : Mask(contact);

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

