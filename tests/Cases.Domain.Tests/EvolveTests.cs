using Cases.Projections.Cases;
using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using static Cases.Domain.Clocks.ClockStage;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>The fold itself: what every projection and every decision sees.</summary>
public class EvolveTests
{
    [Fact]
    public void EveryEventAddsOneToTheVersion()
    {
        ICaseEvent[] history = [.. AcceptedByWater(), Resolved(GridId, Water, WaterClerk)];
        var versions = new List<long>();
        Case? state = null;
        foreach (var e in history)
        {
            state = Case.Evolve(state, e);
            versions.Add(state.Version);
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], versions);
        Assert.Equal(7, Given(history).State.Version);
    }

    [Fact]
    public void AnUnknownEventMovesOnlyTheVersion()
    {
        var before = Given(AcknowledgedAtMicroA()).State;
        var after = Case.Evolve(before, new { Something = "else" });

        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(before with { Version = after.Version }, after);
    }

    [Fact]
    public void EscalatingToTheGridStillSettlesInTheGrid()
    {
        var (state, stateRead) = Given(Raised(), Escalated(MicroA, GridId)).Both;

        Assert.Equal(GridLevel.Grid, state.CurrentLevel);
        Assert.False(stateRead.LeftGrid);
    }

    [Theory]
    [InlineData(Community)]
    [InlineData(Street)]
    public void EscalatingAboveTheGridLeavesTheGrid(string to)
    {
        ICaseEvent[] history = to == Community
            ? [Raised(), Escalated(MicroA, GridId), Escalated(GridId, Community)]
            : [Raised(), Escalated(MicroA, GridId), Escalated(GridId, Community), Escalated(Community, Street)];

        Assert.True(Given(history).Record.LeftGrid);
    }

    [Fact]
    public void ADispatchLeavesTheGrid()
    {
        Assert.False(Given(AcknowledgedAtGrid()).Record.LeftGrid);
        Assert.True(Given(DispatchedToWater()).Record.LeftGrid);
    }

    [Fact]
    public void LeavingTheGridIsNotUndoneByComingBack()
    {
        var (state, stateRead) = Given([.. DispatchedToWater(), Returned(WaterDispatch, Water), Resolved(GridId, by: GridHead)]).Both;

        Assert.Equal(CaseStatus.Resolved, state.Status);
        Assert.Equal(GridId, state.CurrentNodeId);
        Assert.True(stateRead.LeftGrid);
    }

    [Fact]
    public void HandlerIdsCollectEveryoneWhoActedOnceEachButNotTheClock()
    {
        var (state, stateRead) = Given(
        [
            .. AcceptedByWater(),
            new CaseSupervised("overdue", GridId, Actor.System, Now),
            Resolved(GridId, Water, WaterClerk),
            Feedback(satisfied: true),
        ]).Both;

        Assert.Equal([Agent.Id, MicroAWorker.Id, GridHead.Id, Coordinator.Id, WaterClerk.Id], stateRead.HandlerIds);
        Assert.Equal(Agent.Id, stateRead.RaisedById);
    }

    [Fact]
    public void TheFirstAcknowledgementIsKeptAcrossEscalations()
    {
        var (state, stateRead) = Given(
            Raised(),
            Acked(MicroA, MicroAWorker, Now.AddMinutes(10)),
            Escalated(MicroA, GridId, MicroAWorker, Now.AddHours(1)),
            Acked(GridId, GridHead, Now.AddHours(2))).Both;

        Assert.Equal(Now.AddHours(2), stateRead.AcknowledgedAt);
        Assert.Null(state.AcknowledgeBy);
        Assert.Equal(1, stateRead.Escalations);
        Assert.Equal([District, Street, Community, GridId], state.NodePath);
    }

    [Fact]
    public void ResolvingDropsTheAcknowledgeClockAndAnyPendingExtension()
    {
        var state = Given([.. AcknowledgedAtMicroA(), ExtensionAsked(2, MicroA), Resolved(MicroA, by: MicroAWorker)]).State;

        Assert.Null(state.PendingExtension);
        Assert.Null(state.AcknowledgeBy);
        Assert.Equal(Now.AddDays(3), state.FeedbackBy);
    }

    [Fact]
    public void WithdrawingAnOpenCaseStopsItsAcknowledgeClock()
    {
        var state = Given([.. OpenAtMicroA(), WithdrawnEvent()]).State;

        Assert.Equal(CaseStatus.Withdrawn, state.Status);
        Assert.Null(state.AcknowledgeBy);
        Assert.True(state.Status.IsFinal());
        Assert.False(state.Status.IsActive());
    }

    [Fact]
    public void FoldingAClockElapsedRemembersTheStageAndNothingElse()
    {
        var before = Given(OpenAtMicroA()).State;
        Assert.False(before.HasFired(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12)));

        var after = Case.Evolve(before, Elapsed(Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11)), MicroA));

        Assert.Equal([new ClockMark(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), MicroA, Cst(3, 4, 11))], after.ClockMarks);
        Assert.True(after.HasFired(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12)));
        Assert.False(after.HasFired(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 12)));
        Assert.False(after.HasFired(ClockKind.Acknowledge, Warning50, GridId, Cst(3, 4, 12)));
        Assert.False(after.HasFired(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 13)));
        Assert.False(after.HasFired(ClockKind.Resolve, Warning50, MicroA, Cst(3, 4, 12)));

        Assert.Equal((before.Status, before.CurrentNodeId, before.AcknowledgeBy), (after.Status, after.CurrentNodeId, after.AcknowledgeBy));
        Assert.Equal(before.Version + 1, after.Version);
        Assert.DoesNotContain(Actor.System.Id, CaseRecord.FoldAll([.. OpenAtMicroA(), Elapsed(Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11)), MicroA)])!.HandlerIds);
    }
}
