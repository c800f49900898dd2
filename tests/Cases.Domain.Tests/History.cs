using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// Builders for the events of a history, and the common histories the tests start from. Unless told
/// otherwise, every event happens at <see cref="World.Now"/> on the one case <see cref="CaseId"/>.
/// </summary>
public static class History
{
    public static readonly Guid CaseId = new("11111111-1111-1111-1111-111111111111");
    public static readonly Guid OtherCaseId = new("22222222-2222-2222-2222-222222222222");
    public static readonly Guid WaterDispatch = new("aaaaaaaa-0000-0000-0000-000000000001");
    public static readonly Guid UrbanDispatch = new("aaaaaaaa-0000-0000-0000-000000000002");

    public static readonly Resident WangFang = new("王芳", "13800000000", "亚芳花园 4号楼 2单元 301");

    /// <summary>The command that raises <see cref="CaseId"/>; <paramref name="startAt"/> is what a routing rule gives.</summary>
    public static RaiseAppeal Appeal(
        string microGridId = MicroA, Urgency urgency = Urgency.Normal, GridLevel? startAt = null, string category = "water-supply") =>
        new(CaseId, "SC-2026-000001", Channel.Hotline, category, urgency, "No water", "No water since 6 am.",
            microGridId, WangFang, startAt);

    public static AppealRaised Raised(
        Urgency urgency = Urgency.Normal, DateTimeOffset? at = null, string node = MicroA, Guid? caseId = null)
    {
        var when = at ?? Now;
        var start = Tree.Find(node)!;
        return new AppealRaised(
            caseId ?? CaseId,
            "SC-2026-000001",
            Channel.Hotline,
            "water-supply",
            urgency,
            "No water since morning",
            "Building 4 has had no water since 6 am.",
            MicroA,
            WangFang,
            new NodeRef(start.Id, start.Name, start.Level),
            [.. Tree.Path(node).Select(p => p.Id)],
            Policy.AcknowledgeBy(Limits, urgency, when),
            Policy.ResolveBy(Limits, urgency, when),
            Agent,
            when);
    }

    public static CaseAcknowledged Acked(string node, Actor? by = null, DateTimeOffset? at = null) =>
        new(node, "on it", by ?? Coordinator, at ?? Now);

    public static CaseEscalated Escalated(string from, string to, Actor? by = null, DateTimeOffset? at = null)
    {
        var parent = Tree.Find(to)!;
        return new CaseEscalated(
            from,
            new NodeRef(parent.Id, parent.Name, parent.Level),
            [.. Tree.Path(to).Select(p => p.Id)],
            EscalationReason.Manual,
            "beyond this level",
            (at ?? Now).AddHours(2),
            by ?? Coordinator,
            at ?? Now);
    }

    public static CaseDispatched Dispatched(Guid dispatchId, string department, string from = GridId, DateTimeOffset? at = null) =>
        new(dispatchId, department, from, "please report", (at ?? Now).AddHours(2), Coordinator, at ?? Now);

    public static DispatchAccepted Accepted(Guid dispatchId, string department, DateTimeOffset? at = null) =>
        new(dispatchId, department, department == Water ? WaterClerk : UrbanClerk, at ?? Now);

    public static DispatchReturned Returned(Guid dispatchId, string department, string to = GridId) =>
        new(dispatchId, department, "not our responsibility", to, department == Water ? WaterClerk : UrbanClerk, Now);

    public static CaseResolved Resolved(string node, string? department = null, Actor? by = null) =>
        new("Valve replaced", node, department, Now.AddDays(3), by ?? Coordinator, Now);

    public static FeedbackReceived Feedback(bool satisfied, int score = 5) => new(satisfied, score, null, Agent, Now);

    public static CaseClosed ClosedEvent(CloseReason reason = CloseReason.Satisfied) => new(reason, null, Agent, Now);

    public static CaseWithdrawn WithdrawnEvent() => new("resident fixed it", Agent, Now);

    public static CaseMerged MergedEvent(Guid into) => new(into, Coordinator, Now);

    public static CasePaused Paused(DateTimeOffset at) => new("resident away until evening", Coordinator, at);

    public static CaseResumed Resumed(TimeSpan pausedFor, DateTimeOffset at) => new(pausedFor, Coordinator, at);

    public static ExtensionRequested ExtensionAsked(int days, string node, Actor? by = null) =>
        new(days, "parts on order", node, by ?? Coordinator, Now);

    /// <summary>A timer of the case <see cref="CaseId"/>; an expiry fires at its deadline unless told otherwise.</summary>
    public static ClockDue Due(ClockKind clock, ClockStage stage, string key, DateTimeOffset deadline, DateTimeOffset? fireAt = null) =>
        new(CaseId, clock, stage, key, deadline, fireAt ?? deadline);

    /// <summary>The mark the system records when <paramref name="due"/> fires while the case is at <paramref name="node"/>.</summary>
    public static ClockElapsed Elapsed(ClockDue due, string node, DateTimeOffset? at = null) =>
        new(due.Clock, due.Stage, due.Key, due.Deadline, node, Actor.System, at ?? due.FireAt);

    // The histories most tests start from.

    public static ICaseEvent[] OpenAtMicroA() => [Raised()];

    public static ICaseEvent[] AcknowledgedAtMicroA() => [Raised(), Acked(MicroA, MicroAWorker)];

    public static ICaseEvent[] AcknowledgedAtGrid() =>
        [.. AcknowledgedAtMicroA(), Escalated(MicroA, GridId, MicroAWorker), Acked(GridId, GridHead)];

    public static ICaseEvent[] DispatchedToWater() => [.. AcknowledgedAtGrid(), Dispatched(WaterDispatch, Water)];

    public static ICaseEvent[] AcceptedByWater() => [.. DispatchedToWater(), Accepted(WaterDispatch, Water)];

    public static ICaseEvent[] ResolvedAtGrid() => [.. AcknowledgedAtGrid(), Resolved(GridId, by: GridHead)];

    public static ICaseEvent[] ClosedCase() => [.. ResolvedAtGrid(), Feedback(satisfied: true), ClosedEvent()];

    public static ICaseEvent[] WithdrawnCase() => [.. AcknowledgedAtMicroA(), WithdrawnEvent()];

    public static ICaseEvent[] MergedCase() => [.. OpenAtMicroA(), MergedEvent(OtherCaseId)];

    /// <summary>A history by name, for theories over states.</summary>
    public static ICaseEvent[] InState(string state) => state switch
    {
        "open" => OpenAtMicroA(),
        "acknowledged" => AcknowledgedAtMicroA(),
        "dispatched" => DispatchedToWater(),
        "resolved" => ResolvedAtGrid(),
        "closed" => ClosedCase(),
        "withdrawn" => WithdrawnCase(),
        "merged" => MergedCase(),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
