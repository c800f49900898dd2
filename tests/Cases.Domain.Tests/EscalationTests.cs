using Cases.Domain.Grid;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>上报: a case moves up the tree, one node at a time, and stops at the district.</summary>
public class EscalationTests
{
    [Fact]
    public void TheMicroGridWorkerEscalatesToTheGrid()
    {
        var spec = Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Escalate("needs the property company"), Ctx(MicroAWorker, Now.AddHours(1))));
        var escalated = spec.Then<CaseEscalated>();

        Assert.Equal(MicroA, escalated.FromNodeId);
        Assert.Equal(new NodeRef(GridId, "亚芳花园小区", GridLevel.Grid), escalated.To);
        Assert.Equal([District, Street, Community, GridId], escalated.NodePath);
        Assert.Equal(EscalationReason.Manual, escalated.Reason);
        Assert.Equal("needs the property company", escalated.Note);
        Assert.Equal(Now.AddHours(3), escalated.AcknowledgeBy);
        Assert.Equal(MicroAWorker, escalated.By);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Open, state.Status);
        Assert.Equal(GridId, state.CurrentNodeId);
        Assert.Equal(GridLevel.Grid, state.CurrentLevel);
        Assert.Null(stateRead.AcknowledgedAt);
        Assert.Equal(Now.AddHours(3), state.AcknowledgeBy);
        Assert.Equal(1, stateRead.Escalations);
        Assert.Equal(NormalResolveBy, state.ResolveBy);
    }

    [Fact]
    public void AnUrgentCaseGetsThirtyMinutesAtTheNextNode()
    {
        var escalated = Given(Raised(Urgency.Urgent), Acked(MicroA, MicroAWorker))
            .When(s => CaseDecider.Decide(s, new Escalate("urgent"), Ctx(MicroAWorker)))
            .Then<CaseEscalated>();

        Assert.Equal(Now.AddMinutes(30), escalated.AcknowledgeBy);
    }

    [Fact]
    public void TheClockEscalatesAnOpenCaseThatWasNotAcknowledgedInTime()
    {
        var escalated = Given(OpenAtMicroA())
            .When(s => CaseDecider.Decide(s, new Escalate("not acknowledged within 2 h", EscalationReason.Timeout), Ctx(Actor.System, Now.AddHours(2))))
            .Then<CaseEscalated>();

        Assert.Equal(EscalationReason.Timeout, escalated.Reason);
        Assert.Equal(GridId, escalated.To.Id);
        Assert.Equal(Actor.System, escalated.By);
    }

    [Fact]
    public void EscalationClimbsOneLevelAtATimeAndStopsAtTheDistrict()
    {
        var history = new List<ICaseEvent>(OpenAtMicroA());
        (string From, string To, GridLevel Level)[] chain =
        [
            (MicroA, GridId, GridLevel.Grid),
            (GridId, Community, GridLevel.Community),
            (Community, Street, GridLevel.Street),
            (Street, District, GridLevel.District),
        ];
        foreach (var step in chain)
        {
            var escalated = Given([.. history])
                .When(s => CaseDecider.Decide(s, new Escalate("up"), Ctx(Coordinator)))
                .Then<CaseEscalated>();

            Assert.Equal(step, (escalated.FromNodeId, escalated.To.Id, escalated.To.Level));
            history.Add(escalated);
        }

        var atDistrict = Given([.. history]);
        Assert.Equal([District], atDistrict.State.NodePath);
        Assert.Equal(4, atDistrict.Record.Escalations);

        atDistrict
            .When(s => CaseDecider.Decide(s, new Escalate("further"), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ACaseAtTheDistrictCannotBeEscalated()
    {
        Given(Raised(), Escalated(MicroA, GridId), Escalated(GridId, Community), Escalated(Community, Street), Escalated(Street, District))
            .When(s => CaseDecider.Decide(s, new Escalate("further", EscalationReason.Overdue), Ctx(Actor.System)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ADispatchedCaseCannotBeEscalated()
    {
        var refusal = Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new Escalate("up"), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);

        Assert.Contains("dispatch", refusal.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(nameof(GridHead))]
    [InlineData(nameof(MicroBWorker))]
    public void AWorkerAtAnotherNodeCannotEscalateByHand(string who)
    {
        var actor = who == nameof(GridHead) ? GridHead : MicroBWorker;
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Escalate("up"), Ctx(actor)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void ACaseThatIsNoLongerBeingHandledCannotBeEscalated(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Escalate("up"), Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
