using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>派单 (the whistle), 报到 (the department reports for duty) and 退单 (it hands the case back).</summary>
public class DispatchTests
{
    private static DispatchToDepartment ToWater => new(WaterDispatch, Water, "check the main valve");

    private static DispatchToDepartment ToUrban => new(UrbanDispatch, Urban, "clear the pavement");

    [Fact]
    public void TheGridDispatchesToADepartment()
    {
        var spec = Given(AcknowledgedAtGrid())
            .When(s => CaseDecider.Decide(s, ToWater, Ctx(GridHead)));
        var dispatched = spec.Then<CaseDispatched>();

        Assert.Equal(WaterDispatch, dispatched.DispatchId);
        Assert.Equal(Water, dispatched.DepartmentId);
        Assert.Equal(GridId, dispatched.FromNodeId);
        Assert.Equal("check the main valve", dispatched.Instructions);
        Assert.Equal(Now.AddHours(2), dispatched.AcceptBy);
        Assert.Equal(GridHead, dispatched.By);

        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Dispatched, state.Status);
        Assert.Equal(GridId, state.CurrentNodeId);
        var dispatch = Assert.Single(state.Dispatches);
        Assert.Equal(DispatchStatus.Pending, dispatch.Status);
        Assert.Equal(Now.AddHours(2), dispatch.AcceptBy);
        Assert.Equal([Water], stateRead.DepartmentIds);
        Assert.True(stateRead.LeftGrid);
    }

    [Fact]
    public void AnUrgentCaseGivesTheDepartmentThirtyMinutesToReport()
    {
        var dispatched = Given(Raised(Urgency.Urgent), Escalated(MicroA, GridId), Acked(GridId, GridHead))
            .When(s => CaseDecider.Decide(s, ToWater, Ctx(GridHead)))
            .Then<CaseDispatched>();

        Assert.Equal(Now.AddMinutes(30), dispatched.AcceptBy);
    }

    [Fact]
    public void AnOpenCaseCannotBeDispatched()
    {
        Given(Raised(), Escalated(MicroA, GridId))
            .When(s => CaseDecider.Decide(s, ToWater, Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AMicroGridCannotBlowTheWhistle()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, ToWater, Ctx(MicroAWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    public void ACaseNoLongerInHandCannotBeDispatched(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, ToUrban, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ADepartmentWithAnOutstandingDispatchIsNotDispatchedAgain(bool accepted)
    {
        ICaseEvent[] history = accepted ? AcceptedByWater() : DispatchedToWater();
        Given(history)
            .When(s => CaseDecider.Decide(s, new DispatchToDepartment(Guid.NewGuid(), Water, "again"), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ASecondDepartmentMakesAJointDispatch()
    {
        var spec = Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, ToUrban, Ctx(GridHead)));
        var dispatched = spec.Then<CaseDispatched>();

        Assert.Equal(Urban, dispatched.DepartmentId);
        var (state, stateRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Dispatched, state.Status);
        Assert.Equal([Water, Urban], state.Dispatches.Select(d => d.DepartmentId));
        Assert.All(state.Dispatches, d => Assert.Equal(DispatchStatus.Pending, d.Status));
        Assert.Equal([Water, Urban], stateRead.DepartmentIds);
    }

    [Fact]
    public void ADepartmentThatReturnedTheCaseMayBeDispatchedAgain()
    {
        var spec = Given([.. DispatchedToWater(), Returned(WaterDispatch, Water)])
            .When(s => CaseDecider.Decide(s, new DispatchToDepartment(UrbanDispatch, Water, "it is yours after all"), Ctx(GridHead)));

        Assert.Equal(Water, spec.Then<CaseDispatched>().DepartmentId);
        Assert.Equal([Water], spec.ThenRecord.DepartmentIds);
        Assert.Equal(
            [(WaterDispatch, DispatchStatus.Returned), (UrbanDispatch, DispatchStatus.Pending)],
            spec.ThenState.Dispatches.Select(d => (d.DispatchId, d.Status)));
    }

    [Fact]
    public void TheDepartmentReportsForDuty()
    {
        var spec = Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(WaterDispatch), Ctx(WaterClerk, Now.AddMinutes(40))));
        var accepted = spec.Then<DispatchAccepted>();

        Assert.Equal(WaterDispatch, accepted.DispatchId);
        Assert.Equal(Water, accepted.DepartmentId);
        Assert.Equal(WaterClerk, accepted.By);

        var dispatch = Assert.Single(spec.ThenState.Dispatches);
        Assert.Equal(DispatchStatus.Accepted, dispatch.Status);
        Assert.Equal(Now.AddMinutes(40), dispatch.AcceptedAt);
        Assert.Equal(CaseStatus.Dispatched, spec.ThenState.Status);
    }

    [Fact]
    public void AcceptingAnUnknownDispatchIsNotFound()
    {
        Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(UrbanDispatch), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.NotFound);
    }

    [Fact]
    public void ADispatchIsAcceptedOnlyOnce()
    {
        Given(AcceptedByWater())
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(WaterDispatch), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AnotherDepartmentCannotAcceptTheDispatch()
    {
        Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(WaterDispatch), Ctx(UrbanClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AReturnSendsTheCaseBackToTheDispatchingNode(bool acceptedFirst)
    {
        ICaseEvent[] history = acceptedFirst ? AcceptedByWater() : DispatchedToWater();
        var spec = Given(history)
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "wrong address"), Ctx(WaterClerk)));
        var returned = spec.Then<DispatchReturned>();

        Assert.Equal(WaterDispatch, returned.DispatchId);
        Assert.Equal(Water, returned.DepartmentId);
        Assert.Equal("wrong address", returned.Reason);
        Assert.Equal(GridId, returned.ToNodeId);

        var state = spec.ThenState;
        Assert.Equal(CaseStatus.Acknowledged, state.Status);
        Assert.Equal(GridId, state.CurrentNodeId);
        var dispatch = Assert.Single(state.Dispatches);
        Assert.Equal(DispatchStatus.Returned, dispatch.Status);
        Assert.Equal("wrong address", dispatch.ReturnReason);
    }

    [Fact]
    public void AReturnLeavesTheCaseDispatchedWhileAnotherDepartmentStillOwesIt()
    {
        var spec = Given([.. DispatchedToWater(), Dispatched(UrbanDispatch, Urban)])
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "not ours"), Ctx(WaterClerk)));

        spec.Then<DispatchReturned>();
        var state = spec.ThenState;
        Assert.Equal(CaseStatus.Dispatched, state.Status);
        Assert.Equal(
            [(Water, DispatchStatus.Returned), (Urban, DispatchStatus.Pending)],
            state.Dispatches.Select(d => (d.DepartmentId, d.Status)));
    }

    [Fact]
    public void ADispatchIsReturnedOnlyOnce()
    {
        Given([.. DispatchedToWater(), Returned(WaterDispatch, Water)])
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "again"), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ReturningAnUnknownDispatchIsNotFound()
    {
        Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(UrbanDispatch, "?"), Ctx(UrbanClerk)))
            .ThenRefused(RefusalKind.NotFound);
    }

    [Fact]
    public void AnotherDepartmentCannotReturnTheDispatch()
    {
        Given(DispatchedToWater())
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "not ours"), Ctx(UrbanClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ACompletedDispatchCannotBeReturned()
    {
        Given([.. AcceptedByWater(), Resolved(GridId, Water, WaterClerk)])
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "too late"), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
