namespace Cases.Domain.Clocks;

/// <summary>
/// Which timers a change to a case needs: compare the state before and after, and for every clock whose
/// deadline was set or moved (a new node, a new dispatch, a resume), plan its warnings and its expiry.
/// Timers for deadlines that no longer hold are not cancelled; they find the deadline moved and do nothing.
/// </summary>
public static class ClockPlanner
{
    public static IReadOnlyList<ClockDue> Plan(Case? before, Case after)
    {
        var timers = new List<ClockDue>();
        if (after.Paused || after.Status.IsFinal())
        {
            return timers;
        }

        var resumed = before is { Paused: true };
        if (after.Status == CaseStatus.Open && after.AcknowledgeBy is { } acknowledgeBy &&
            (resumed || before?.AcknowledgeBy != acknowledgeBy || before.CurrentNodeId != after.CurrentNodeId))
        {
            AddStages(after, timers, ClockKind.Acknowledge, after.CurrentNodeId, after.AcknowledgeFrom ?? after.RaisedAt, acknowledgeBy);
        }

        if (after.Status.IsActive() && after.ResolveBy is { } resolveBy &&
            (resumed || before?.ResolveBy != resolveBy || !before.Status.IsActive()))
        {
            AddStages(after, timers, ClockKind.Resolve, "resolve", after.ResolveFrom ?? after.RaisedAt, resolveBy);
        }

        foreach (var dispatch in after.Dispatches.Where(d => d.Status == DispatchStatus.Pending))
        {
            var earlier = before?.FindDispatch(dispatch.DispatchId);
            if (resumed || earlier is null || earlier.AcceptBy != dispatch.AcceptBy)
            {
                AddStages(after, timers, ClockKind.AcceptDispatch, dispatch.DispatchId.ToString(), dispatch.AcceptFrom ?? dispatch.DispatchedAt, dispatch.AcceptBy);
            }
        }

        if (after.Status == CaseStatus.Resolved && after.FeedbackBy is { } feedbackBy && (resumed || before?.FeedbackBy != feedbackBy))
        {
            // The feedback window is the resident's, not a handler's: it closes the case, with no warnings.
            timers.Add(new ClockDue(after.Id, ClockKind.FeedbackWindow, ClockStage.Expired, "feedback", feedbackBy, feedbackBy));
        }

        return timers;
    }

    /// <summary>
    /// The first stage of each clock that <see cref="Plan"/> would start. Only these are scheduled up front;
    /// each stage, when it fires, schedules the next (<see cref="NextStage"/>), so a case holds one pending
    /// timer per running clock instead of three.
    /// </summary>
    public static IReadOnlyList<ClockDue> FirstStages(Case? before, Case after) =>
        [.. Plan(before, after).GroupBy(t => (t.Clock, t.Key)).Select(g => g.OrderBy(t => t.Stage).First())];

    /// <summary>The stage after <paramref name="fired"/> of the same clock, while that clock still has the same deadline.</summary>
    public static ClockDue? NextStage(Case state, ClockDue fired)
    {
        if (fired.Stage == ClockStage.Expired || !ClockDecider.IsCurrent(state, fired))
        {
            return null;
        }

        DateTimeOffset? from = fired.Clock switch
        {
            ClockKind.Acknowledge => state.AcknowledgeFrom ?? state.RaisedAt,
            ClockKind.Resolve => state.ResolveFrom ?? state.RaisedAt,
            ClockKind.AcceptDispatch => state.Dispatches.FirstOrDefault(d => d.DispatchId.ToString() == fired.Key) is { } d ? d.AcceptFrom ?? d.DispatchedAt : null,
            _ => null,
        };
        if (from is null)
        {
            return null;
        }

        var stages = new List<ClockDue>();
        AddStages(state, stages, fired.Clock, fired.Key, from.Value, fired.Deadline);
        return stages.Where(t => t.Stage > fired.Stage).OrderBy(t => t.Stage).FirstOrDefault();
    }

    private static void AddStages(Case after, List<ClockDue> timers, ClockKind clock, string key, DateTimeOffset from, DateTimeOffset deadline)
    {
        var caseId = after.Id;
        if (after.HasFired(clock, ClockStage.Expired, key, deadline))
        {
            // Already expired (and acted on) with this deadline: a resume must not make it act again.
            return;
        }

        var span = deadline - from;
        if (span > TimeSpan.Zero)
        {
            timers.Add(new ClockDue(caseId, clock, ClockStage.Warning50, key, deadline, from + (span / 2)));
            timers.Add(new ClockDue(caseId, clock, ClockStage.Warning75, key, deadline, from + (span * 3 / 4)));
        }

        timers.Add(new ClockDue(caseId, clock, ClockStage.Expired, key, deadline, deadline));
    }
}
