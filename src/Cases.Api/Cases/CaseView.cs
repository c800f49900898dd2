using Cases.Domain;
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
    ResidentView Resident)
{
    public static CaseView From(Case c, Actor viewer) => new(
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
