namespace Cases.Domain.Clocks;

/// <summary>
/// What a clock does when it fires. Every answer is guarded by the case's state: a timer whose deadline has
/// moved, whose case is paused or finished, or whose stage has already fired, does nothing. That is what makes
/// each expiry act exactly once, however often its message is delivered.
/// </summary>
public static class ClockDecider
{
    public static Decision Decide(Case state, ClockDue due, DecisionContext ctx)
    {
        // A stage fires once; and once a clock has expired, its warnings have nothing left to say.
        if (!IsCurrent(state, due) || state.HasFired(due.Clock, due.Stage, due.Key, due.Deadline) ||
            state.HasFired(due.Clock, ClockStage.Expired, due.Key, due.Deadline))
        {
            return Decision.Accept();
        }

        var mark = new ClockElapsed(due.Clock, due.Stage, due.Key, due.Deadline, state.CurrentNodeId, ctx.Actor, ctx.Now);
        if (due.Stage != ClockStage.Expired)
        {
            return Decision.Accept(mark);
        }

        var marked = Case.Evolve(state, mark);
        var actions = due.Clock switch
        {
            ClockKind.Acknowledge => AcknowledgeExpired(marked, ctx),
            ClockKind.AcceptDispatch => AcceptExpired(marked, Guid.Parse(due.Key), ctx),
            ClockKind.Resolve => ResolveExpired(marked, ctx),
            ClockKind.FeedbackWindow => CaseDecider.CloseForNoFeedback(marked, ctx).Events,
            _ => [],
        };
        return Decision.Accept([mark, .. actions]);
    }

    /// <summary>Is the deadline this timer was set for still the case's deadline for that clock?</summary>
    public static bool IsCurrent(Case state, ClockDue due)
    {
        if (state.Paused || state.Status.IsFinal())
        {
            return false;
        }

        return due.Clock switch
        {
            ClockKind.Acknowledge => state.Status == CaseStatus.Open && state.CurrentNodeId == due.Key && state.AcknowledgeBy == due.Deadline,
            ClockKind.AcceptDispatch => Guid.TryParse(due.Key, out var id) && state.FindDispatch(id) is { Status: DispatchStatus.Pending } d && d.AcceptBy == due.Deadline,
            ClockKind.Resolve => state.Status.IsActive() && state.ResolveBy == due.Deadline,
            ClockKind.FeedbackWindow => state.Status == CaseStatus.Resolved && state.FeedbackBy == due.Deadline,
            _ => false,
        };
    }

    // Not acknowledged in time: up one level (reason timeout), where a new acknowledge clock starts.
    // At the district there is nowhere higher: the case is supervised there instead.
    private static IReadOnlyList<ICaseEvent> AcknowledgeExpired(Case state, DecisionContext ctx)
    {
        var escalation = CaseDecider.Decide(state, new Escalate("Not acknowledged within the limit.", EscalationReason.Timeout), ctx);
        return escalation.IsRefused
            ? [new CaseSupervised("Not acknowledged within the limit at the district.", state.CurrentNodeId, ctx.Actor, ctx.Now)]
            : escalation.Events;
    }

    // The department did not report for duty: supervision, addressed to the dispatching node's parent.
    private static IReadOnlyList<ICaseEvent> AcceptExpired(Case state, Guid dispatchId, DecisionContext ctx)
    {
        var dispatch = state.FindDispatch(dispatchId)!;
        var parent = ctx.Tree.Parent(dispatch.FromNodeId)?.Id ?? dispatch.FromNodeId;
        return [new CaseSupervised($"Department '{dispatch.DepartmentId}' did not accept the dispatch within the limit.", parent, ctx.Actor, ctx.Now)];
    }

    // Past the resolution deadline: supervision, and escalation (reason overdue) while the case is still held at a node.
    private static IReadOnlyList<ICaseEvent> ResolveExpired(Case state, DecisionContext ctx)
    {
        var supervision = new CaseSupervised("Not resolved within the limit.", state.CurrentNodeId, ctx.Actor, ctx.Now);
        var escalation = CaseDecider.Decide(state, new Escalate("Not resolved within the limit.", EscalationReason.Overdue), ctx);
        return escalation.IsRefused ? [supervision] : [supervision, .. escalation.Events];
    }
}
