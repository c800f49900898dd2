using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using static Cases.Domain.Clocks.ClockStage;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// What a firing timer does: given a history, when a timer is delivered, then the system's events — or nothing,
/// when the timer is stale or its stage has already fired.
/// </summary>
public class ClockDeciderTests
{
    private static readonly string Water1 = WaterDispatch.ToString();

    // The clocks of an ordinary appeal raised at 10:00: acknowledge at the micro-grid by 12:00.
    private static readonly ClockDue AckAt50 = Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11));
    private static readonly ClockDue AckAt75 = Due(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 12), Cst(3, 4, 11, 30));
    private static readonly ClockDue AckExpired = Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12));
    private static readonly ClockDue ResolveExpired = Due(ClockKind.Resolve, Expired, "resolve", NormalResolveBy);

    // Dispatched at 10:00 by the grid (the History helper), to be accepted by 12:00.
    private static readonly ClockDue AcceptExpired = Due(ClockKind.AcceptDispatch, Expired, Water1, Cst(3, 4, 12));

    private static ICaseEvent[] AtDistrict() =>
        [Raised(), Escalated(MicroA, GridId), Escalated(GridId, Community), Escalated(Community, Street), Escalated(Street, District)];

    private static void AllBySystem(IEnumerable<ICaseEvent> events) => Assert.All(events, e => Assert.Equal(Actor.System, e.By));

    [Theory]
    [InlineData(Warning50)]
    [InlineData(Warning75)]
    public void AWarningOnlyMarksTheClockForTheNodeThatHoldsTheCase(ClockStage stage)
    {
        var due = stage == Warning50 ? AckAt50 : AckAt75;
        var spec = Given(OpenAtMicroA()).WhenFired(due);
        var elapsed = spec.Then<ClockElapsed>();

        Assert.Equal(new ClockElapsed(ClockKind.Acknowledge, stage, MicroA, Cst(3, 4, 12), MicroA, Actor.System, due.FireAt), elapsed);
        Assert.Equal(CaseStatus.Open, spec.ThenState.Status);
        Assert.Equal(MicroA, spec.ThenState.CurrentNodeId);
    }

    [Fact]
    public void AResolveWarningNamesTheNodeTheCaseHasReached()
    {
        var due = Due(ClockKind.Resolve, Warning75, "resolve", NormalResolveBy, Cst(3, 9, 16));

        var elapsed = Given(AcknowledgedAtGrid()).WhenFired(due).Then<ClockElapsed>();

        Assert.Equal(new ClockElapsed(ClockKind.Resolve, Warning75, "resolve", NormalResolveBy, GridId, Actor.System, Cst(3, 9, 16)), elapsed);
    }

    [Fact]
    public void AnAcceptanceWarningNamesTheDispatchingNode()
    {
        var due = Due(ClockKind.AcceptDispatch, Warning50, Water1, Cst(3, 4, 12), Cst(3, 4, 11));

        var elapsed = Given(DispatchedToWater()).WhenFired(due).Then<ClockElapsed>();

        Assert.Equal(new ClockElapsed(ClockKind.AcceptDispatch, Warning50, Water1, Cst(3, 4, 12), GridId, Actor.System, Cst(3, 4, 11)), elapsed);
    }

    [Fact]
    public void AnUnacknowledgedCaseEscalatesOnTimeoutWithANewDeadlineAtTheParent()
    {
        var spec = Given(OpenAtMicroA()).WhenFired(AckExpired);
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseEscalated));

        Assert.Equal(new ClockElapsed(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12), MicroA, Actor.System, Cst(3, 4, 12)), events[0]);
        var escalated = (CaseEscalated)events[1];
        Assert.Equal(MicroA, escalated.FromNodeId);
        Assert.Equal(new NodeRef(GridId, "亚芳花园小区", GridLevel.Grid), escalated.To);
        Assert.Equal(EscalationReason.Timeout, escalated.Reason);
        Assert.Equal(Cst(3, 4, 14), escalated.AcknowledgeBy);
        Assert.Equal(Cst(3, 4, 12), escalated.At);
        AllBySystem(events);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal((CaseStatus.Open, GridId, 1), (state.Status, state.CurrentNodeId, stateRead.Escalations));
        Assert.True(state.HasFired(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12)));
    }

    [Fact]
    public void ALateDeliveryCountsTheNewDeadlineFromWhenTheClockActed()
    {
        var escalated = Given(OpenAtMicroA())
            .WhenFired(AckExpired, at: Cst(3, 4, 12, 5))
            .ThenEvents(typeof(ClockElapsed), typeof(CaseEscalated))[1];

        Assert.Equal(Cst(3, 4, 14, 5), ((CaseEscalated)escalated).AcknowledgeBy);
    }

    [Fact]
    public void AtTheDistrictAnUnacknowledgedCaseIsSupervisedInstead()
    {
        var spec = Given(AtDistrict()).WhenFired(Due(ClockKind.Acknowledge, Expired, District, Cst(3, 4, 12)));
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised));

        Assert.Equal(District, ((ClockElapsed)events[0]).NodeId);
        var supervised = (CaseSupervised)events[1];
        Assert.Equal(District, supervised.NodeId);
        Assert.Equal(Cst(3, 4, 12), supervised.At);
        AllBySystem(events);
        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal((CaseStatus.Open, District, 4, 1), (state.Status, state.CurrentNodeId, stateRead.Escalations, stateRead.Supervisions));
    }

    [Fact]
    public void AnUnacceptedDispatchIsSupervisedAtTheParentOfTheDispatchingNode()
    {
        var spec = Given(DispatchedToWater()).WhenFired(AcceptExpired);
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised));

        Assert.Equal(new ClockElapsed(ClockKind.AcceptDispatch, Expired, Water1, Cst(3, 4, 12), GridId, Actor.System, Cst(3, 4, 12)), events[0]);
        var supervised = (CaseSupervised)events[1];
        Assert.Equal(Community, supervised.NodeId);
        Assert.Contains(Water, supervised.Note, StringComparison.Ordinal);
        AllBySystem(events);

        // Supervision does not take the dispatch away: the department still owes its report.
        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Dispatched, state.Status);
        Assert.Equal(DispatchStatus.Pending, state.FindDispatch(WaterDispatch)!.Status);
        Assert.Equal(1, stateRead.Supervisions);
    }

    [Fact]
    public void AnUnacceptedDispatchFromTheDistrictIsSupervisedAtTheDistrict()
    {
        var supervised = Given([.. AtDistrict(), Acked(District), Dispatched(WaterDispatch, Water, from: District)])
            .WhenFired(AcceptExpired)
            .ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised))[1];

        Assert.Equal(District, ((CaseSupervised)supervised).NodeId);
    }

    [Fact]
    public void AnOverdueCaseHeldAtANodeIsSupervisedThereAndEscalated()
    {
        var spec = Given(AcknowledgedAtGrid()).WhenFired(ResolveExpired);
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised), typeof(CaseEscalated));

        Assert.Equal(GridId, ((CaseSupervised)events[1]).NodeId);
        var escalated = (CaseEscalated)events[2];
        Assert.Equal((GridId, Community, EscalationReason.Overdue), (escalated.FromNodeId, escalated.To.Id, escalated.Reason));
        Assert.Equal(NormalResolveBy.AddHours(2), escalated.AcknowledgeBy);
        AllBySystem(events);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal((CaseStatus.Open, Community, 2, 1), (state.Status, state.CurrentNodeId, stateRead.Escalations, stateRead.Supervisions));
    }

    [Fact]
    public void AnOverdueDispatchedCaseIsOnlySupervised()
    {
        var spec = Given(AcceptedByWater()).WhenFired(ResolveExpired);
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised));

        Assert.Equal(GridId, ((CaseSupervised)events[1]).NodeId);
        AllBySystem(events);
        Assert.Equal((CaseStatus.Dispatched, GridId), (spec.ThenState.Status, spec.ThenState.CurrentNodeId));
    }

    [Fact]
    public void AnOverdueCaseAtTheDistrictIsOnlySupervised()
    {
        var spec = Given([.. AtDistrict(), Acked(District)]).WhenFired(ResolveExpired);
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised));

        Assert.Equal(District, ((CaseSupervised)events[1]).NodeId);
        Assert.Equal(4, spec.ThenRecord.Escalations);
    }

    [Fact]
    public void AnUnansweredFeedbackWindowClosesTheCase()
    {
        // The Resolved helper opens a three-day window: Saturday 7 March, 10:00.
        var spec = Given(ResolvedAtGrid()).WhenFired(Due(ClockKind.FeedbackWindow, Expired, "feedback", Cst(3, 7)));
        var events = spec.ThenEvents(typeof(ClockElapsed), typeof(CaseClosed));

        var closed = (CaseClosed)events[1];
        Assert.Equal(CloseReason.FeedbackWindowElapsed, closed.Reason);
        Assert.Equal(Cst(3, 7), closed.At);
        AllBySystem(events);
        Assert.Equal((CaseStatus.Closed, Cst(3, 7)), (spec.ThenState.Status, spec.ThenRecord.ClosedAt));
    }

    // Stale timers: the deadline they were set for no longer holds.

    [Fact]
    public void AnAcknowledgeTimerIsStaleOnceTheCaseIsAcknowledged()
    {
        Given(AcknowledgedAtMicroA()).WhenFired(AckExpired).ThenNothing();
        Given(AcknowledgedAtMicroA()).WhenFired(AckAt75).ThenNothing();
    }

    [Fact]
    public void AnAcknowledgeTimerIsStaleOnceTheCaseMovedToAnotherNode()
    {
        // Escalated at 10:00, the grid's deadline is also 12:00: only the node tells the timers apart.
        Given(Raised(), Escalated(MicroA, GridId)).WhenFired(AckExpired).ThenNothing();
    }

    [Fact]
    public void TimersAreStaleOnceAResumeMovedTheirDeadlines()
    {
        ICaseEvent[] resumed = [Raised(), Paused(Cst(3, 4, 10, 30)), Resumed(TimeSpan.FromHours(1), Cst(3, 4, 11, 30))];

        Given(resumed).WhenFired(AckExpired).ThenNothing();
        Given(resumed).WhenFired(ResolveExpired).ThenNothing();
        Given([.. DispatchedToWater(), .. resumed[1..]]).WhenFired(AcceptExpired).ThenNothing();
    }

    [Fact]
    public void AResolveTimerIsStaleOnceAnExtensionMovedTheDeadline()
    {
        Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA), new ExtensionDecided(true, 3, Cst(3, 16), GridHead, Now)])
            .WhenFired(ResolveExpired)
            .ThenNothing();
    }

    [Fact]
    public void NoTimerActsWhileTheCaseIsPaused()
    {
        Given(Raised(), Paused(Cst(3, 4, 10, 30))).WhenFired(AckAt50).ThenNothing();
        Given(Raised(), Paused(Cst(3, 4, 10, 30))).WhenFired(AckExpired).ThenNothing();
        Given([.. DispatchedToWater(), Paused(Cst(3, 4, 10, 30))]).WhenFired(AcceptExpired).ThenNothing();
        Given([.. AcknowledgedAtGrid(), Paused(Cst(3, 10))]).WhenFired(ResolveExpired).ThenNothing();
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void NoTimerActsOnAFinalCase(string state)
    {
        Given(InState(state)).WhenFired(AckExpired).ThenNothing();
        Given(InState(state)).WhenFired(ResolveExpired).ThenNothing();
        Given(InState(state)).WhenFired(Due(ClockKind.FeedbackWindow, Expired, "feedback", Cst(3, 7))).ThenNothing();
    }

    [Fact]
    public void AnAcceptanceTimerIsStaleOnceTheDispatchIsAcceptedReturnedOrWithdrawn()
    {
        Given(AcceptedByWater()).WhenFired(AcceptExpired).ThenNothing();
        Given([.. DispatchedToWater(), Returned(WaterDispatch, Water)]).WhenFired(AcceptExpired).ThenNothing();
        Given([.. DispatchedToWater(), WithdrawnEvent()]).WhenFired(AcceptExpired).ThenNothing();
    }

    [Fact]
    public void ResolveAndFeedbackTimersAreStaleOnceTheCaseMovedOn()
    {
        Given(ResolvedAtGrid()).WhenFired(ResolveExpired).ThenNothing();
        Given([.. ResolvedAtGrid(), Feedback(false, 2), new CaseReopened(GridId, null, 1, Cst(3, 11), Agent, Now)])
            .WhenFired(Due(ClockKind.FeedbackWindow, Expired, "feedback", Cst(3, 7)))
            .ThenNothing();
    }

    // Exactly once: a stage that has fired is remembered on the case, and a repeated delivery does nothing.

    [Fact]
    public void AWarningThatHasFiredDoesNotFireAgain()
    {
        Given(Raised(), Elapsed(AckAt50, MicroA)).WhenFired(AckAt50, at: Cst(3, 4, 11, 1)).ThenNothing();
    }

    [Fact]
    public void AnExpiryAtTheDistrictSupervisesOnlyOnceHoweverOftenItIsDelivered()
    {
        // Nothing else makes this timer stale: the case is still open at the district with the same deadline.
        var due = Due(ClockKind.Acknowledge, Expired, District, Cst(3, 4, 12));
        var spec = Given(AtDistrict()).WhenFired(due);
        spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised));

        Given([.. AtDistrict(), .. spec.ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised))])
            .WhenFired(due, at: Cst(3, 4, 12, 1))
            .ThenNothing();
    }

    [Fact]
    public void AnOverdueCaseIsNotEscalatedAgainWhenItIsPausedAndResumed()
    {
        // Overdue at the grid on Wed 11 March 10:00: supervised and escalated to the community, which takes it.
        var overdue = Given(AcknowledgedAtGrid()).WhenFired(ResolveExpired).ThenEvents(typeof(ClockElapsed), typeof(CaseSupervised), typeof(CaseEscalated));
        ICaseEvent[] paused = [.. AcknowledgedAtGrid(), .. overdue, Acked(Community, CommunityWorker, Cst(3, 11, 10, 30)), Paused(Cst(3, 11, 11))];
        ICaseEvent[] resumed = [.. paused, Resumed(TimeSpan.FromHours(1), Cst(3, 11, 12))];

        // One hour of waiting on the resident must not warn, supervise and escalate the case a second time.
        var state = Fold(resumed)!;
        var produced = ClockPlanner.Plan(Fold(paused), state)
            .Where(t => t.Clock == ClockKind.Resolve)
            .SelectMany(due => ClockDecider.Decide(state, due, SystemAt(Cst(3, 11, 12))).Events)
            .Select(e => e.GetType().Name);
        Assert.Empty(produced);
    }
}
