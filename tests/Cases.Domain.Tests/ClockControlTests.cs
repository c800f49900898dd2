using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>挂起 / 缓办 (pause and resume) and 延期 (extension): the ways a deadline legitimately moves.</summary>
public class ClockControlTests
{
    private static readonly Pause WaitForResident = new("resident must be home for the visit");

    [Theory]
    [InlineData("open")]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    public void ACaseInProgressCanBePaused(string state)
    {
        var spec = Given(InState(state))
            .When(s => CaseDecider.Decide(s, WaitForResident, Ctx(Coordinator, Now.AddHours(1))));
        var paused = spec.Then<CasePaused>();

        Assert.Equal("resident must be home for the visit", paused.Reason);
        var (after, afterRead) = spec.ThenBoth;
        Assert.True(after.Paused);
        Assert.Equal(Now.AddHours(1), after.PausedAt);
        Assert.Equal("resident must be home for the visit", afterRead.PauseReason);
    }

    [Fact]
    public void APausedCaseCannotBePausedAgain()
    {
        Given([.. AcknowledgedAtMicroA(), Paused(Now.AddHours(1))])
            .When(s => CaseDecider.Decide(s, WaitForResident, Ctx(Coordinator, Now.AddHours(2))))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    public void OnlyACaseInProgressCanBePaused(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, WaitForResident, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ACaseThatIsNotPausedCannotBeResumed()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Resume(), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ResumingMovesTheAcknowledgeAndResolveDeadlinesByThePausedTime()
    {
        var spec = Given([.. OpenAtMicroA(), Paused(Now.AddMinutes(30))])
            .When(s => CaseDecider.Decide(s, new Resume(), Ctx(Coordinator, Now.AddHours(3).AddMinutes(30))));
        var resumed = spec.Then<CaseResumed>();

        Assert.Equal(TimeSpan.FromHours(3), resumed.PausedFor);
        var (after, afterRead) = spec.ThenBoth;
        Assert.False(after.Paused);
        Assert.Null(afterRead.PauseReason);
        Assert.Equal(Now.AddHours(5), after.AcknowledgeBy);
        Assert.Equal(NormalResolveBy.AddHours(3), after.ResolveBy);
    }

    [Fact]
    public void ResumingMovesOnlyTheAcceptDeadlinesOfPendingDispatches()
    {
        var spec = Given([.. AcceptedByWater(), Dispatched(UrbanDispatch, Urban), Paused(Now.AddHours(1))])
            .When(s => CaseDecider.Decide(s, new Resume(), Ctx(Coordinator, Now.AddHours(2))));

        Assert.Equal(TimeSpan.FromHours(1), spec.Then<CaseResumed>().PausedFor);
        var after = spec.ThenState;
        Assert.Equal(
            [(Water, Now.AddHours(2)), (Urban, Now.AddHours(3))],
            after.Dispatches.Select(d => (d.DepartmentId, d.AcceptBy)));
        Assert.Null(after.AcknowledgeBy);
        Assert.Equal(NormalResolveBy.AddHours(1), after.ResolveBy);
    }

    [Fact]
    public void TheHandlerAsksForAnExtension()
    {
        var spec = Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new RequestExtension(3, "parts on order"), Ctx(MicroAWorker)));
        var requested = spec.Then<ExtensionRequested>();

        Assert.Equal(3, requested.Days);
        Assert.Equal("parts on order", requested.Reason);
        Assert.Equal(MicroA, requested.NodeId);
        Assert.Equal(new PendingExtension(3, "parts on order", MicroA, Now), spec.ThenState.PendingExtension);
        Assert.Equal(NormalResolveBy, spec.ThenState.ResolveBy);
    }

    [Fact]
    public void ADispatchedCaseAsksForAnExtensionFromTheDispatchingNode()
    {
        var requested = Given(AcceptedByWater())
            .When(s => CaseDecider.Decide(s, new RequestExtension(10, "major works"), Ctx(WaterClerk)))
            .Then<ExtensionRequested>();

        Assert.Equal(GridId, requested.NodeId);
        Assert.Equal(10, requested.Days);
    }

    [Fact]
    public void OnlyOneExtensionRequestWaitsAtATime()
    {
        Given([.. AcknowledgedAtMicroA(), ExtensionAsked(2, MicroA)])
            .When(s => CaseDecider.Decide(s, new RequestExtension(3, "more"), Ctx(MicroAWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("open")]
    [InlineData("resolved")]
    [InlineData("closed")]
    public void OnlyACaseBeingHandledCanAskForAnExtension(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new RequestExtension(3, "?"), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AGrantMovesTheResolveDeadlineByWorkingDays()
    {
        var spec = Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(GridHead)));
        var decided = spec.Then<ExtensionDecided>();

        // Wed 11 March + 3 working days: Thu 12, Fri 13, (weekend), Mon 16.
        Assert.True(decided.Granted);
        Assert.Equal(3, decided.Days);
        Assert.Equal(Cst(3, 16), decided.ResolveBy);
        var after = spec.ThenState;
        Assert.Equal(Cst(3, 16), after.ResolveBy);
        Assert.Null(after.PendingExtension);
    }

    [Fact]
    public void AGrantOverNationalDayCountsTheMakeUpSaturday()
    {
        // Raised Wed 23 Sep: due Thu 8 Oct. +3: Fri 9, Sat 10 (make-up), Mon 12.
        var decided = Given(Raised(at: Cst(9, 23)), Acked(MicroA, MicroAWorker), ExtensionAsked(3, MicroA))
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(GridHead, Cst(9, 24))))
            .Then<ExtensionDecided>();

        Assert.Equal(Cst(10, 12), decided.ResolveBy);
    }

    [Fact]
    public void ARefusalKeepsTheDeadline()
    {
        var spec = Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)])
            .When(s => CaseDecider.Decide(s, new DecideExtension(false), Ctx(GridHead)));
        var decided = spec.Then<ExtensionDecided>();

        Assert.False(decided.Granted);
        Assert.Equal(NormalResolveBy, decided.ResolveBy);
        var after = spec.ThenState;
        Assert.Equal(NormalResolveBy, after.ResolveBy);
        Assert.Null(after.PendingExtension);
    }

    [Fact]
    public void ThereMustBeARequestToDecide()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData(nameof(MicroAWorker))]
    [InlineData(nameof(MicroBWorker))]
    public void AnActorNotAboveTheAskingNodeCannotDecide(string who)
    {
        var actor = who == nameof(MicroAWorker) ? MicroAWorker : MicroBWorker;
        Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(actor)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ANodeBelowTheAskingNodeCannotDecide()
    {
        Given([.. AcknowledgedAtGrid(), ExtensionAsked(3, GridId)])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(MicroAWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData(nameof(GridHead))]
    [InlineData(nameof(CommunityWorker))]
    [InlineData(nameof(Coordinator))]
    public void TheParentNodeOrAnyoneAboveDecides(string who)
    {
        var actor = who switch
        {
            nameof(GridHead) => GridHead,
            nameof(CommunityWorker) => CommunityWorker,
            _ => Coordinator,
        };
        var decided = Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA)])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(actor)))
            .Then<ExtensionDecided>();

        Assert.Equal(actor, decided.By);
    }
}
