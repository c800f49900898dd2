using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using static Cases.Domain.Clocks.ClockStage;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// Which timers a change needs: given a history, when some events happen, then exactly these timers — the
/// 50% and 75% warnings (预警) and the expiry of every clock whose deadline was set or moved.
/// </summary>
public class ClockPlannerTests
{
    private static readonly string Water1 = WaterDispatch.ToString();

    /// <summary>The timers the host schedules when <paramref name="change"/> is appended to <paramref name="before"/>.</summary>
    private static IReadOnlyList<ClockDue> Plan(ICaseEvent[] before, params ICaseEvent[] change) =>
        ClockPlanner.Plan(Fold(before), Fold([.. before, .. change])!);

    /// <summary>What the raise of an ordinary appeal at 10:00 on Wed 4 March plans.</summary>
    private static ClockDue[] RaisePlan() =>
    [
        Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11)),
        Due(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 12), Cst(3, 4, 11, 30)),
        Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12)),
        // Five working days are seven calendar days here; the warnings split the wall-clock span.
        Due(ClockKind.Resolve, Warning50, "resolve", NormalResolveBy, Cst(3, 7, 22)),
        Due(ClockKind.Resolve, Warning75, "resolve", NormalResolveBy, Cst(3, 9, 16)),
        Due(ClockKind.Resolve, Expired, "resolve", NormalResolveBy),
    ];

    [Fact]
    public void RaisingPlansTheAcknowledgeClockAtTheMicroGridAndTheResolveClock()
    {
        var timers = Plan([], Raised());

        Assert.Equal(RaisePlan(), timers);
        Assert.All(timers, t => Assert.Equal(CaseId, t.CaseId));
    }

    [Fact]
    public void AnUrgentAppealPlansThirtyMinutesToAcknowledgeAndTwentyFourHoursToResolve()
    {
        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 10, 30), Cst(3, 4, 10, 15)),
                Due(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 10, 30), Cst(3, 4, 10, 22).AddSeconds(30)),
                Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 10, 30)),
                Due(ClockKind.Resolve, Warning50, "resolve", Cst(3, 5, 10), Cst(3, 4, 22)),
                Due(ClockKind.Resolve, Warning75, "resolve", Cst(3, 5, 10), Cst(3, 5, 4)),
                Due(ClockKind.Resolve, Expired, "resolve", Cst(3, 5, 10)),
            ],
            Plan([], Raised(Urgency.Urgent)));
    }

    [Fact]
    public void ACaseStartedByARoutingRulePlansItsAcknowledgeClockAtTheStreet()
    {
        var raised = CaseDecider.Decide(Appeal(urgency: Urgency.Urgent, startAt: GridLevel.Street, category: "hazard"), Ctx(Agent)).Events;

        var timers = ClockPlanner.Plan(null, Fold([.. raised])!);

        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, Street, Cst(3, 4, 10, 30), Cst(3, 4, 10, 15)),
                Due(ClockKind.Acknowledge, Warning75, Street, Cst(3, 4, 10, 30), Cst(3, 4, 10, 22).AddSeconds(30)),
                Due(ClockKind.Acknowledge, Expired, Street, Cst(3, 4, 10, 30)),
            ],
            timers.Where(t => t.Clock == ClockKind.Acknowledge));
        Assert.Equal(3, timers.Count(t => t.Clock == ClockKind.Resolve && t.Key == "resolve"));
    }

    [Fact]
    public void EscalationPlansANewAcknowledgeClockAtTheParentFromTheEscalationTime()
    {
        var timers = Plan(OpenAtMicroA(), Escalated(MicroA, GridId, MicroAWorker, at: Cst(3, 4, 10, 40)));

        // The resolve deadline did not move: its timers are already scheduled.
        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, GridId, Cst(3, 4, 12, 40), Cst(3, 4, 11, 40)),
                Due(ClockKind.Acknowledge, Warning75, GridId, Cst(3, 4, 12, 40), Cst(3, 4, 12, 10)),
                Due(ClockKind.Acknowledge, Expired, GridId, Cst(3, 4, 12, 40)),
            ],
            timers);
    }

    [Fact]
    public void EscalationToTheSameDeadlinePlansByTheNewNode()
    {
        // Escalated at the raise time: the grid's deadline is the micro-grid's, 12:00; only the node changed.
        var timers = Plan(OpenAtMicroA(), Escalated(MicroA, GridId));

        Assert.Equal([GridId, GridId, GridId], timers.Select(t => t.Key));
        Assert.All(timers, t => Assert.Equal(Cst(3, 4, 12), t.Deadline));
    }

    [Fact]
    public void AcknowledgingPlansNothing()
    {
        Assert.Empty(Plan(OpenAtMicroA(), Acked(MicroA, MicroAWorker, Cst(3, 4, 10, 20))));
    }

    [Fact]
    public void ADispatchPlansItsAcceptanceClockKeyedByTheDispatch()
    {
        Assert.Equal(
            [
                Due(ClockKind.AcceptDispatch, Warning50, Water1, Cst(3, 4, 16), Cst(3, 4, 15)),
                Due(ClockKind.AcceptDispatch, Warning75, Water1, Cst(3, 4, 16), Cst(3, 4, 15, 30)),
                Due(ClockKind.AcceptDispatch, Expired, Water1, Cst(3, 4, 16)),
            ],
            Plan(AcknowledgedAtGrid(), Dispatched(WaterDispatch, Water, at: Cst(3, 4, 14))));
    }

    [Fact]
    public void ASecondDispatchPlansOnlyItsOwnAcceptanceClock()
    {
        var timers = Plan(DispatchedToWater(), Dispatched(UrbanDispatch, Urban, at: Cst(3, 4, 14)));

        Assert.Equal([UrbanDispatch.ToString()], timers.Select(t => t.Key).Distinct());
        Assert.Equal([Cst(3, 4, 15), Cst(3, 4, 15, 30), Cst(3, 4, 16)], timers.Select(t => t.FireAt));
    }

    [Fact]
    public void AcceptingADispatchPlansNothing()
    {
        Assert.Empty(Plan(DispatchedToWater(), Accepted(WaterDispatch, Water, Cst(3, 4, 11))));
    }

    [Theory]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    public void ResolvingPlansOnlyTheFeedbackExpiry(string state)
    {
        // The Resolved helper gives the resident three days: Saturday 7 March, 10:00.
        Assert.Equal(
            [new ClockDue(CaseId, ClockKind.FeedbackWindow, Expired, "feedback", Cst(3, 7), Cst(3, 7))],
            Plan(InState(state), Resolved(GridId)));
    }

    [Fact]
    public void ResolvingThroughTheDeciderPlansTheFeedbackWindowFromTheResolution()
    {
        var before = AcknowledgedAtGrid();
        var resolved = CaseDecider.Decide(Fold(before)!, new Resolve("valve replaced"), Ctx(GridHead, Cst(3, 5, 9))).Events;

        Assert.Equal([Due(ClockKind.FeedbackWindow, Expired, "feedback", Cst(3, 8, 9))], Plan(before, [.. resolved]));
    }

    [Fact]
    public void ReopeningPlansAFreshResolveClockFromTheRework()
    {
        var before = ResolvedAtGrid();
        var events = CaseDecider.Decide(Fold(before)!, new GiveFeedback(false, 2, "still no water"), Ctx(Agent, Cst(3, 5))).Events;

        // Five working days from Thursday 5 March: Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
        Assert.Equal(Cst(3, 12), Assert.IsType<CaseReopened>(events[1]).ResolveBy);
        Assert.Equal(
            [
                Due(ClockKind.Resolve, Warning50, "resolve", Cst(3, 12), Cst(3, 8, 22)),
                Due(ClockKind.Resolve, Warning75, "resolve", Cst(3, 12), Cst(3, 10, 16)),
                Due(ClockKind.Resolve, Expired, "resolve", Cst(3, 12)),
            ],
            Plan(before, [.. events]));
    }

    [Fact]
    public void AGrantedExtensionReplansTheResolveClockOverTheWholeSpan()
    {
        ICaseEvent[] asked = [.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)];

        // Three working days after Wed 11 March is Mon 16 March; the span still starts at the raise.
        Assert.Equal(
            [
                Due(ClockKind.Resolve, Warning50, "resolve", Cst(3, 16), Cst(3, 10)),
                Due(ClockKind.Resolve, Warning75, "resolve", Cst(3, 16), Cst(3, 13)),
                Due(ClockKind.Resolve, Expired, "resolve", Cst(3, 16)),
            ],
            Plan(asked, new ExtensionDecided(true, 3, Cst(3, 16), GridHead, Cst(3, 6))));
    }

    [Fact]
    public void ARefusedExtensionPlansNothing()
    {
        ICaseEvent[] asked = [.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)];

        Assert.Empty(Plan(asked, new ExtensionDecided(false, 3, NormalResolveBy, GridHead, Cst(3, 6))));
    }

    [Theory]
    [InlineData("open")]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    public void APausedCasePlansNothing(string state)
    {
        ICaseEvent[] history = [.. InState(state), Paused(Cst(3, 4, 10, 30))];

        Assert.Empty(Plan(InState(state), Paused(Cst(3, 4, 10, 30))));
        // Not even from scratch, when every deadline would be new.
        Assert.Empty(ClockPlanner.Plan(null, Fold(history)!));
    }

    [Fact]
    public void ResumingReplansEveryRunningClockShiftedByThePausedTime()
    {
        var timers = Plan([Raised(), Paused(Cst(3, 4, 10, 30))], Resumed(TimeSpan.FromHours(1), Cst(3, 4, 11, 30)));

        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 13), Cst(3, 4, 12)),
                Due(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 13), Cst(3, 4, 12, 30)),
                Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 13)),
            ],
            timers.Where(t => t.Clock == ClockKind.Acknowledge));
        var hourLater = RaisePlan().Select(t => t with { Deadline = t.Deadline.AddHours(1), FireAt = t.FireAt.AddHours(1) });
        Assert.Equal(hourLater, timers);
    }

    [Fact]
    public void ResumingAnEscalatedCaseShiftsTheClockFromTheEscalation()
    {
        ICaseEvent[] history = [Raised(), Escalated(MicroA, GridId, at: Cst(3, 4, 10, 40)), Paused(Cst(3, 4, 11))];

        var timers = Plan(history, Resumed(TimeSpan.FromHours(1), Cst(3, 4, 12)));

        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, GridId, Cst(3, 4, 13, 40), Cst(3, 4, 12, 40)),
                Due(ClockKind.Acknowledge, Warning75, GridId, Cst(3, 4, 13, 40), Cst(3, 4, 13, 10)),
                Due(ClockKind.Acknowledge, Expired, GridId, Cst(3, 4, 13, 40)),
            ],
            timers.Where(t => t.Clock == ClockKind.Acknowledge));
    }

    [Fact]
    public void ResumingShiftsTheAcceptanceWarningsByThePausedTime()
    {
        // Dispatched 10:00 with two hours to accept; paused 10:30 to 11:30. The clock ran 30 minutes, stopped
        // for an hour, and has 90 minutes left: warnings at 12:00 and 12:30, expiry at 13:00.
        var timers = Plan([.. DispatchedToWater(), Paused(Cst(3, 4, 10, 30))], Resumed(TimeSpan.FromHours(1), Cst(3, 4, 11, 30)));

        Assert.Equal(
            [
                Due(ClockKind.AcceptDispatch, Warning50, Water1, Cst(3, 4, 13), Cst(3, 4, 12)),
                Due(ClockKind.AcceptDispatch, Warning75, Water1, Cst(3, 4, 13), Cst(3, 4, 12, 30)),
                Due(ClockKind.AcceptDispatch, Expired, Water1, Cst(3, 4, 13)),
            ],
            timers.Where(t => t.Clock == ClockKind.AcceptDispatch));
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AFinalCasePlansNothing(string state)
    {
        var history = InState(state);

        Assert.Empty(Plan(history[..^1], history[^1]));
        Assert.Empty(ClockPlanner.Plan(null, Fold(history)!));
    }

    [Fact]
    public void WithdrawingAPausedCasePlansNothing()
    {
        ICaseEvent[] paused = [.. DispatchedToWater(), Paused(Cst(3, 4, 10, 30))];

        Assert.Empty(Plan(paused, WithdrawnEvent()));
    }

    [Fact]
    public void AWarningOrASupervisionPlansNothing()
    {
        var warning = Elapsed(Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11)), MicroA);

        Assert.Empty(Plan(OpenAtMicroA(), warning));
        Assert.Empty(Plan(OpenAtMicroA(), new CaseSupervised("hurry", MicroA, Coordinator, Cst(3, 4, 11))));
    }
}
