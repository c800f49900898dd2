using Cases.Domain.Grid;

namespace Cases.Domain;

/// <summary>
/// The decisions: a command and the current state in, events or a refusal out. Pure functions of their
/// arguments, so that the tests can drive every transition without a database.
/// </summary>
public static class CaseDecider
{
    /// <summary>The hotline rules allow at most ten working days per extension.</summary>
    public const int MaxExtensionDays = 10;

    public static Decision Decide(RaiseAppeal cmd, DecisionContext ctx)
    {
        var microGrid = ctx.Tree.Find(cmd.MicroGridId);
        if (microGrid is null || microGrid.Level != GridLevel.MicroGrid)
        {
            return Decision.Invalid("microGridId", $"'{cmd.MicroGridId}' is not a micro-grid.");
        }

        // A routing rule may start the case higher: an urgent hazard goes straight to the street.
        var start = (cmd.StartAt ?? ctx.Routing.StartFor(cmd.Category, cmd.Urgency)) is { } level ? ctx.Tree.AncestorAt(microGrid.Id, level) ?? microGrid : microGrid;
        var path = ctx.Tree.Path(start.Id);
        return Decision.Accept(new AppealRaised(
            cmd.CaseId,
            cmd.CaseNumber,
            cmd.Channel,
            cmd.Category,
            cmd.Urgency,
            cmd.Title,
            cmd.Description,
            microGrid.Id,
            cmd.Resident,
            new NodeRef(start.Id, start.Name, start.Level),
            [.. path.Select(p => p.Id)],
            ctx.Policy.AcknowledgeBy(ctx.Limits, cmd.Urgency, ctx.Now),
            ctx.Policy.ResolveBy(ctx.Limits, cmd.Urgency, ctx.Now),
            ctx.Actor,
            ctx.Now)
        {
            MicroGridPath = [.. ctx.Tree.Path(microGrid.Id).Select(p => p.Id)],
        });
    }

    public static Decision Decide(Case state, Acknowledge cmd, DecisionContext ctx)
    {
        if (state.Status != CaseStatus.Open)
        {
            return Decision.Conflict($"Only an open case can be acknowledged; this one is {Wire(state.Status)}.");
        }

        if (NotAtActorsNode(state, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        return Decision.Accept(new CaseAcknowledged(state.CurrentNodeId, cmd.Note, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, Escalate cmd, DecisionContext ctx)
    {
        if (state.Status is not (CaseStatus.Open or CaseStatus.Acknowledged))
        {
            return Decision.Conflict(state.Status == CaseStatus.Dispatched
                ? "The case has outstanding department dispatches; it cannot be escalated until they are returned or resolved."
                : $"A {Wire(state.Status)} case cannot be escalated.");
        }

        if (cmd.Kind == EscalationReason.Manual && NotAtActorsNode(state, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        var parent = ctx.Tree.Parent(state.CurrentNodeId);
        if (state.CurrentLevel == GridLevel.District || parent is null)
        {
            return Decision.Conflict("The case is already at the district; escalation stops there.");
        }

        var path = ctx.Tree.Path(parent.Id);
        return Decision.Accept(new CaseEscalated(
            state.CurrentNodeId,
            new NodeRef(parent.Id, parent.Name, parent.Level),
            [.. path.Select(p => p.Id)],
            cmd.Kind,
            cmd.Reason,
            ctx.Policy.AcknowledgeBy(ctx.Limits, state.Urgency, ctx.Now),
            ctx.Actor,
            ctx.Now));
    }

    public static Decision Decide(Case state, DispatchToDepartment cmd, DecisionContext ctx)
    {
        if (state.Status is not (CaseStatus.Acknowledged or CaseStatus.Dispatched))
        {
            return Decision.Conflict(state.Status == CaseStatus.Open
                ? "The case must be acknowledged at its node before it is dispatched."
                : $"A {Wire(state.Status)} case cannot be dispatched.");
        }

        if (NotAtActorsNode(state, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        if (state.CurrentLevel > GridLevel.Grid)
        {
            return Decision.Conflict("Only a node at grid level or above can dispatch to a department; escalate the case to its grid first.");
        }

        if ((cmd.DepartmentId ?? ctx.Routing.SuggestDepartment(state.Category)) is not { } departmentId)
        {
            return Decision.Invalid("departmentId", $"No department was named, and the routing rules suggest none for category '{state.Category}'.");
        }

        if (state.Dispatches.Any(d => d.DepartmentId == departmentId && d.IsOutstanding))
        {
            return Decision.Conflict($"Department '{departmentId}' already has an outstanding dispatch for this case.");
        }

        return Decision.Accept(new CaseDispatched(
            cmd.DispatchId,
            departmentId,
            state.CurrentNodeId,
            cmd.Instructions,
            ctx.Policy.AcceptBy(ctx.Limits, state.Urgency, ctx.Now),
            ctx.Actor,
            ctx.Now));
    }

    public static Decision Decide(Case state, AcceptDispatch cmd, DecisionContext ctx)
    {
        if (!state.Status.IsActive())
        {
            return Decision.Conflict($"The case is {Wire(state.Status)}; its dispatches can no longer be accepted.");
        }

        var dispatch = state.FindDispatch(cmd.DispatchId);
        if (dispatch is null)
        {
            return Decision.NotFound($"The case has no dispatch '{cmd.DispatchId}'.");
        }

        if (dispatch.Status != DispatchStatus.Pending)
        {
            return Decision.Conflict($"The dispatch is already {Wire(dispatch.Status)}; it can be accepted only once, while pending.");
        }

        if (NotActorsDepartment(dispatch, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        return Decision.Accept(new DispatchAccepted(dispatch.DispatchId, dispatch.DepartmentId, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, ReturnDispatch cmd, DecisionContext ctx)
    {
        if (!state.Status.IsActive())
        {
            return Decision.Conflict($"The case is {Wire(state.Status)}; its dispatches can no longer be returned.");
        }

        var dispatch = state.FindDispatch(cmd.DispatchId);
        if (dispatch is null)
        {
            return Decision.NotFound($"The case has no dispatch '{cmd.DispatchId}'.");
        }

        if (!dispatch.IsOutstanding)
        {
            return Decision.Conflict($"The dispatch is already {Wire(dispatch.Status)}; only a pending or accepted dispatch can be returned.");
        }

        if (NotActorsDepartment(dispatch, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        return Decision.Accept(new DispatchReturned(dispatch.DispatchId, dispatch.DepartmentId, cmd.Reason, dispatch.FromNodeId, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, Resolve cmd, DecisionContext ctx)
    {
        if (state.Status is not (CaseStatus.Acknowledged or CaseStatus.Dispatched))
        {
            return Decision.Conflict(state.Status == CaseStatus.Open
                ? "The case must be acknowledged before it is resolved."
                : $"A {Wire(state.Status)} case cannot be resolved.");
        }

        if (ctx.Actor.DepartmentId is null && NotAtActorsNode(state, ctx.Actor) is { } refusal)
        {
            return refusal;
        }

        string? departmentId = null;
        if (ctx.Actor.DepartmentId is { } actorDepartment)
        {
            if (!state.Dispatches.Any(d => d.DepartmentId == actorDepartment && d.Status == DispatchStatus.Accepted))
            {
                return Decision.Conflict("A department can resolve a case only through a dispatch it has accepted.");
            }

            departmentId = actorDepartment;
        }

        var events = new List<ICaseEvent>();
        if (state.PausedAt is { } pausedAt)
        {
            // Resolving ends a pause: the clocks no longer matter, but the paused time is still recorded.
            events.Add(new CaseResumed(ctx.Now - pausedAt, ctx.Actor, ctx.Now));
        }

        events.Add(new CaseResolved(
            cmd.Resolution,
            state.CurrentNodeId,
            departmentId,
            ctx.Policy.FeedbackBy(ctx.Limits, state.Urgency, ctx.Now),
            ctx.Actor,
            ctx.Now));
        return Decision.Accept([.. events]);
    }

    public static Decision Decide(Case state, GiveFeedback cmd, DecisionContext ctx)
    {
        if (state.Status != CaseStatus.Resolved)
        {
            return Decision.Conflict($"Feedback is taken only on a resolved case; this one is {Wire(state.Status)}.");
        }

        var feedback = new FeedbackReceived(cmd.Satisfied, cmd.Score, cmd.Comment, ctx.Actor, ctx.Now);
        return cmd.Satisfied
            ? Decision.Accept(feedback, new CaseClosed(CloseReason.Satisfied, cmd.Comment, ctx.Actor, ctx.Now))
            : Decision.Accept(feedback, new CaseReopened(
                state.ResolvedAtNodeId ?? state.CurrentNodeId,
                state.ResolvedByDepartmentId,
                state.Reworks + 1,
                ctx.Policy.ResolveBy(ctx.Limits, state.Urgency, ctx.Now),
                ctx.Actor,
                ctx.Now));
    }

    public static Decision Decide(Case state, Close cmd, DecisionContext ctx) =>
        state.Status == CaseStatus.Resolved
            ? Decision.Accept(new CaseClosed(CloseReason.Verified, cmd.Note, ctx.Actor, ctx.Now))
            : Decision.Conflict($"Only a resolved case can be closed by verification; this one is {Wire(state.Status)}.");

    /// <summary>The feedback window passed: the clock closes the case.</summary>
    public static Decision CloseForNoFeedback(Case state, DecisionContext ctx) =>
        state.Status == CaseStatus.Resolved
            ? Decision.Accept(new CaseClosed(CloseReason.FeedbackWindowElapsed, "No feedback within the window.", ctx.Actor, ctx.Now))
            : Decision.Conflict($"Only a resolved case closes when its feedback window passes; this one is {Wire(state.Status)}.");

    public static Decision Decide(Case state, Withdraw cmd, DecisionContext ctx) =>
        state.Status.IsActive()
            ? Decision.Accept(new CaseWithdrawn(cmd.Reason, ctx.Actor, ctx.Now))
            : Decision.Conflict($"Only a case that is not yet resolved can be withdrawn; this one is {Wire(state.Status)}.");

    public static Decision Decide(Case state, Merge cmd, Case? target, DecisionContext ctx)
    {
        if (!state.Status.IsActive())
        {
            return Decision.Conflict($"Only a case that is not yet resolved can be merged; this one is {Wire(state.Status)}.");
        }

        if (cmd.IntoCaseId == state.Id)
        {
            return Decision.Conflict("A case cannot be merged into itself.");
        }

        if (target is null)
        {
            return Decision.NotFound($"There is no case '{cmd.IntoCaseId}' to merge into.");
        }

        if (target.Status.IsFinal())
        {
            return Decision.Conflict($"The case to merge into is {Wire(target.Status)}.");
        }

        return Decision.Accept(new CaseMerged(target.Id, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, Pause cmd, DecisionContext ctx)
    {
        if (!state.Status.IsActive())
        {
            return Decision.Conflict($"Only a case in progress can be paused; this one is {Wire(state.Status)}.");
        }

        return state.Paused
            ? Decision.Conflict("The case is already paused.")
            : Decision.Accept(new CasePaused(cmd.Reason, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, Resume cmd, DecisionContext ctx) =>
        state.Status.IsFinal() ? Decision.Conflict($"A {Wire(state.Status)} case has no clocks to resume.")
        : state.PausedAt is { } pausedAt
            ? Decision.Accept(new CaseResumed(ctx.Now - pausedAt, ctx.Actor, ctx.Now))
            : Decision.Conflict("The case is not paused.");

    public static Decision Decide(Case state, RequestExtension cmd, DecisionContext ctx)
    {
        if (state.Status is not (CaseStatus.Acknowledged or CaseStatus.Dispatched))
        {
            return Decision.Conflict($"An extension can be asked for only on a case being handled; this one is {Wire(state.Status)}.");
        }

        return state.PendingExtension is not null
            ? Decision.Conflict("An extension request is already waiting for a decision.")
            : Decision.Accept(new ExtensionRequested(cmd.Days, cmd.Reason, state.CurrentNodeId, ctx.Actor, ctx.Now));
    }

    public static Decision Decide(Case state, DecideExtension cmd, DecisionContext ctx)
    {
        if (state.Status is not (CaseStatus.Acknowledged or CaseStatus.Dispatched))
        {
            return Decision.Conflict($"An extension can be decided only on a case being handled; this one is {Wire(state.Status)}.");
        }

        if (state.PendingExtension is not { } pending)
        {
            return Decision.Conflict("There is no extension request waiting for a decision.");
        }

        // One level up decides: an actor scoped to a node must sit above the node that asked.
        if (ctx.Actor.NodeId is { } actorNode)
        {
            var path = ctx.Tree.Path(pending.NodeId);
            var ancestors = path.Take(Math.Max(0, path.Count - 1)).Select(p => p.Id);
            if (!ancestors.Contains(actorNode))
            {
                return Decision.Conflict("An extension is decided one level up from the node that asked for it.");
            }
        }

        var resolveBy = state.ResolveBy ?? ctx.Now;
        return Decision.Accept(new ExtensionDecided(
            cmd.Granted,
            pending.Days,
            cmd.Granted ? ctx.Policy.Extend(resolveBy, pending.Days) : resolveBy,
            ctx.Actor,
            ctx.Now));
    }

    public static Decision Decide(Case state, Supervise cmd, DecisionContext ctx) =>
        state.Status.IsFinal()
            ? Decision.Conflict($"A {Wire(state.Status)} case cannot be supervised.")
            : Decision.Accept(new CaseSupervised(cmd.Note, state.CurrentNodeId, ctx.Actor, ctx.Now));

    private static Refusal? NotAtActorsNode(Case state, Actor actor) =>
        actor.NodeId is { } node && node != state.CurrentNodeId
            ? new Refusal(RefusalKind.Conflict, $"The case sits at node '{state.CurrentNodeId}', not at '{node}'.")
            : null;

    private static Refusal? NotActorsDepartment(Dispatch dispatch, Actor actor) =>
        actor.DepartmentId is { } department && department != dispatch.DepartmentId
            ? new Refusal(RefusalKind.Conflict, $"The dispatch is addressed to department '{dispatch.DepartmentId}', not '{department}'.")
            : null;

    private static string Wire<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
