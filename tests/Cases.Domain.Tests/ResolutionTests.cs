using Cases.Projections.Cases;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>办结 (resolve), 回访 (feedback), 返工 (rework) and 结案 (close).</summary>
public class ResolutionTests
{
    private static readonly Resolve Fixed = new("Valve replaced, water back at 14:00");

    [Fact]
    public void TheHandlerResolvesAnAcknowledgedCase()
    {
        var spec = Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(MicroAWorker, Now.AddHours(4))));
        var resolved = spec.Then<CaseResolved>();

        Assert.Equal("Valve replaced, water back at 14:00", resolved.Resolution);
        Assert.Equal(MicroA, resolved.NodeId);
        Assert.Null(resolved.DepartmentId);
        Assert.Equal(Now.AddHours(4).AddDays(3), resolved.FeedbackBy);
        Assert.Equal(MicroAWorker, resolved.By);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Resolved, state.Status);
        Assert.Equal(Now.AddHours(4), stateRead.ResolvedAt);
        Assert.Equal(MicroA, state.ResolvedAtNodeId);
        Assert.Null(state.ResolvedByDepartmentId);
        Assert.Equal(Now.AddHours(4).AddDays(3), state.FeedbackBy);
        Assert.False(stateRead.LeftGrid);
    }

    [Fact]
    public void ResolvingADispatchedCaseCompletesItsOutstandingDispatches()
    {
        var spec = Given(
            [
                .. AcceptedByWater(),
                Dispatched(UrbanDispatch, Urban),
                Dispatched(new Guid("aaaaaaaa-0000-0000-0000-000000000003"), "dept-housing"),
                Returned(new Guid("aaaaaaaa-0000-0000-0000-000000000003"), "dept-housing"),
            ])
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(GridHead)));

        var resolved = spec.Then<CaseResolved>();
        Assert.Equal(GridId, resolved.NodeId);
        Assert.Null(resolved.DepartmentId);
        Assert.Equal(
            [DispatchStatus.Completed, DispatchStatus.Completed, DispatchStatus.Returned],
            spec.ThenState.Dispatches.Select(d => d.Status));
    }

    [Fact]
    public void ADepartmentResolvesThroughTheDispatchItAccepted()
    {
        var spec = Given(AcceptedByWater())
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(WaterClerk)));
        var resolved = spec.Then<CaseResolved>();

        Assert.Equal(Water, resolved.DepartmentId);
        Assert.Equal(GridId, resolved.NodeId);
        Assert.Equal(Water, spec.ThenState.ResolvedByDepartmentId);
        Assert.Equal(DispatchStatus.Completed, Assert.Single(spec.ThenState.Dispatches).Status);
    }

    [Fact]
    public void ADepartmentThatHasNotReportedForDutyCannotResolve()
    {
        Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ADepartmentWithoutADispatchCannotResolve()
    {
        Given(AcceptedByWater())
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(UrbanClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void OnlyACaseInHandCanBeResolved(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ResolvingAPausedCaseEndsThePauseFirst()
    {
        var spec = Given([.. AcknowledgedAtMicroA(), Paused(Now.AddHours(1))])
            .When(s => CaseDecider.Decide(s, Fixed, Ctx(MicroAWorker, Now.AddHours(6))));
        var events = spec.ThenEvents(typeof(CaseResumed), typeof(CaseResolved));

        var resumed = (CaseResumed)events[0];
        Assert.Equal(TimeSpan.FromHours(5), resumed.PausedFor);
        Assert.Equal(Now.AddHours(6), resumed.At);
        Assert.Equal(Now.AddHours(6).AddDays(3), ((CaseResolved)events[1]).FeedbackBy);

        var state = spec.ThenState;
        Assert.False(state.Paused);
        Assert.Equal(CaseStatus.Resolved, state.Status);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void SatisfiedFeedbackClosesTheCase(int score)
    {
        var spec = Given(ResolvedAtGrid())
            .When(s => CaseDecider.Decide(s, new GiveFeedback(true, score, "quick work"), Ctx(Agent, Now.AddDays(1))));
        var events = spec.ThenEvents(typeof(FeedbackReceived), typeof(CaseClosed));

        var feedback = (FeedbackReceived)events[0];
        Assert.True(feedback.Satisfied);
        Assert.Equal(score, feedback.Score);
        var closed = (CaseClosed)events[1];
        Assert.Equal(CloseReason.Satisfied, closed.Reason);
        Assert.Equal("quick work", closed.Note);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Closed, state.Status);
        Assert.Equal(Now.AddDays(1), stateRead.ClosedAt);
        Assert.Null(state.FeedbackBy);
        Assert.Equal(new Feedback(true, score, "quick work"), stateRead.Feedback);
    }

    [Fact]
    public void UnsatisfiedFeedbackReopensTheCaseToTheNodeThatResolvedIt()
    {
        var spec = Given(ResolvedAtGrid())
            .When(s => CaseDecider.Decide(s, new GiveFeedback(false, 2, "still no water"), Ctx(Agent, Now.AddDays(1))));
        var events = spec.ThenEvents(typeof(FeedbackReceived), typeof(CaseReopened));

        var reopened = (CaseReopened)events[1];
        Assert.Equal(GridId, reopened.NodeId);
        Assert.Null(reopened.DepartmentId);
        Assert.Equal(1, reopened.Reworks);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Acknowledged, state.Status);
        Assert.Equal(GridId, state.CurrentNodeId);
        Assert.Equal(1, state.Reworks);
        Assert.Null(stateRead.ResolvedAt);
        Assert.Null(state.FeedbackBy);
        Assert.Equal(Now.AddDays(1), stateRead.AcknowledgedAt);
    }

    [Fact]
    public void ASecondReworkCountsTwo()
    {
        var reopened = Given([.. ResolvedAtGrid(), Feedback(false, 2), new CaseReopened(GridId, null, 1, Now.AddDays(5), Agent, Now), Resolved(GridId)])
            .When(s => CaseDecider.Decide(s, new GiveFeedback(false, 1, null), Ctx(Agent)))
            .ThenEvents(typeof(FeedbackReceived), typeof(CaseReopened))[1];

        Assert.Equal(2, ((CaseReopened)reopened).Reworks);
    }

    [Fact]
    public void ReworkOfADepartmentsResolutionNamesTheDepartment()
    {
        var reopened = Given([.. AcceptedByWater(), Resolved(GridId, Water, WaterClerk)])
            .When(s => CaseDecider.Decide(s, new GiveFeedback(false, 1, null), Ctx(Agent)))
            .ThenEvents(typeof(FeedbackReceived), typeof(CaseReopened))[1];

        Assert.Equal(Water, ((CaseReopened)reopened).DepartmentId);
        Assert.Equal(GridId, ((CaseReopened)reopened).NodeId);
    }

    [Theory]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    [InlineData("closed")]
    public void FeedbackIsTakenOnlyOnAResolvedCase(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new GiveFeedback(true, 5, null), Ctx(Agent)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AHandlerClosesAResolvedCaseByVerification()
    {
        var spec = Given(ResolvedAtGrid())
            .When(s => CaseDecider.Decide(s, new Close("checked on site"), Ctx(StreetCoordinator)));
        var closed = spec.Then<CaseClosed>();

        Assert.Equal(CloseReason.Verified, closed.Reason);
        Assert.Equal("checked on site", closed.Note);
        Assert.Equal(CaseStatus.Closed, spec.ThenState.Status);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    public void OnlyAResolvedCaseCanBeClosedByVerification(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Close(null), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void TheClockClosesAResolvedCaseWhenTheFeedbackWindowPasses()
    {
        var spec = Given(ResolvedAtGrid())
            .When(s => CaseDecider.CloseForNoFeedback(s, Ctx(Actor.System, Now.AddDays(3))));
        var closed = spec.Then<CaseClosed>();

        Assert.Equal(CloseReason.FeedbackWindowElapsed, closed.Reason);
        Assert.Equal(Actor.System, closed.By);
        Assert.Equal(Now.AddDays(3), spec.ThenRecord.ClosedAt);
    }

    [Theory]
    [InlineData("acknowledged")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    public void TheFeedbackClockClosesOnlyAResolvedCase(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.CloseForNoFeedback(s, Ctx(Actor.System)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
