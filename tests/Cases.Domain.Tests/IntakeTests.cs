using Cases.Domain.Grid;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>Raising an appeal (立案) and acknowledging it (签收).</summary>
public class IntakeTests
{
    [Fact]
    public void RaisingStartsTheCaseAtItsMicroGridWithDeadlines()
    {
        var raised = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(), Ctx(Agent)))
            .Then<AppealRaised>();

        Assert.Equal(CaseId, raised.CaseId);
        Assert.Equal("SC-2026-000001", raised.CaseNumber);
        Assert.Equal(MicroA, raised.MicroGridId);
        Assert.Equal(new NodeRef(MicroA, "亚芳花园 4号楼", GridLevel.MicroGrid), raised.Node);
        Assert.Equal([District, Street, Community, GridId, MicroA], raised.NodePath);
        Assert.Equal(Now.AddHours(2), raised.AcknowledgeBy);
        Assert.Equal(NormalResolveBy, raised.ResolveBy);
        Assert.Equal(WangFang, raised.Resident);
        Assert.Equal(Agent, raised.By);
        Assert.Equal(Now, raised.At);
    }

    [Fact]
    public void ARaisedCaseIsOpenAtTheMicroGridAndStillInTheGrid()
    {
        var (state, stateRead) = Given(Raised()).Both;

        Assert.Equal(CaseStatus.Open, state.Status);
        Assert.Equal(MicroA, state.CurrentNodeId);
        Assert.Equal(GridLevel.MicroGrid, state.CurrentLevel);
        Assert.Equal(Agent.Id, stateRead.RaisedById);
        Assert.Equal(Now, state.RaisedAt);
        Assert.Equal(Now.AddHours(2), state.AcknowledgeBy);
        Assert.Equal(NormalResolveBy, state.ResolveBy);
        Assert.False(stateRead.LeftGrid);
    }

    [Fact]
    public void AnUrgentAppealGetsThirtyMinutesAndTwentyFourHours()
    {
        var raised = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(urgency: Urgency.Urgent), Ctx(Agent)))
            .Then<AppealRaised>();

        Assert.Equal(Now.AddMinutes(30), raised.AcknowledgeBy);
        Assert.Equal(Now.AddHours(24), raised.ResolveBy);
    }

    [Theory]
    [InlineData(GridId)]
    [InlineData(Community)]
    [InlineData(District)]
    [InlineData("no-such-node")]
    public void RaisingAtAnythingButAMicroGridIsInvalid(string nodeId)
    {
        var refusal = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(microGridId: nodeId), Ctx(Agent)))
            .ThenRefused(RefusalKind.Invalid);

        Assert.Equal("microGridId", refusal.Field);
    }

    [Fact]
    public void ARoutingRuleRaisesAnUrgentHazardStraightToTheStreet()
    {
        var spec = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(urgency: Urgency.Urgent, startAt: GridLevel.Street), Ctx(Agent)));
        var raised = spec.Then<AppealRaised>();

        Assert.Equal(new NodeRef(Street, "项里街道", GridLevel.Street), raised.Node);
        Assert.Equal([District, Street], raised.NodePath);
        Assert.Equal(MicroA, raised.MicroGridId);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(Street, state.CurrentNodeId);
        Assert.Equal(GridLevel.Street, state.CurrentLevel);
        Assert.True(stateRead.LeftGrid);
    }

    [Fact]
    public void StartingAtTheGridKeepsTheCaseInTheGrid()
    {
        var spec = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(startAt: GridLevel.Grid), Ctx(Agent)));

        Assert.Equal(GridId, spec.Then<AppealRaised>().Node.Id);
        Assert.False(spec.ThenRecord.LeftGrid);
    }

    [Fact]
    public void StartingAtTheMicroGridLevelIsTheSameAsNoRule()
    {
        var raised = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(startAt: GridLevel.MicroGrid), Ctx(Agent)))
            .Then<AppealRaised>();

        Assert.Equal(MicroA, raised.Node.Id);
    }

    [Fact]
    public void TheWorkerAtTheNodeAcknowledges()
    {
        var spec = Given(OpenAtMicroA())
            .When(s => CaseDecider.Decide(s, new Acknowledge("coming over"), Ctx(MicroAWorker, Now.AddMinutes(20))));
        var acknowledged = spec.Then<CaseAcknowledged>();

        Assert.Equal(MicroA, acknowledged.NodeId);
        Assert.Equal("coming over", acknowledged.Note);
        Assert.Equal(MicroAWorker, acknowledged.By);
        Assert.Equal(Now.AddMinutes(20), acknowledged.At);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Acknowledged, state.Status);
        Assert.Equal(Now.AddMinutes(20), stateRead.AcknowledgedAt);
        Assert.Null(state.AcknowledgeBy);
    }

    [Fact]
    public void AnUnscopedCoordinatorMayAcknowledgeAnywhere()
    {
        var acknowledged = Given(OpenAtMicroA())
            .When(s => CaseDecider.Decide(s, new Acknowledge(null), Ctx(Coordinator)))
            .Then<CaseAcknowledged>();

        Assert.Equal(MicroA, acknowledged.NodeId);
    }

    [Theory]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    public void OnlyAnOpenCaseCanBeAcknowledged(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Acknowledge(null), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AWorkerAtASiblingMicroGridCannotAcknowledge()
    {
        Given(OpenAtMicroA())
            .When(s => CaseDecider.Decide(s, new Acknowledge(null), Ctx(MicroBWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void TheGridHeadCannotAcknowledgeACaseStillAtAMicroGrid()
    {
        Given(OpenAtMicroA())
            .When(s => CaseDecider.Decide(s, new Acknowledge(null), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
