using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>Rules that an earlier version of the domain broke, kept so that they stay fixed.</summary>
public class RegressionTests
{
    private const string FinalCaseDispatch =
        "domain bug: Withdraw/Merge leave dispatches Pending, and AcceptDispatch/ReturnDispatch (CaseDecider.cs) never check the case's status";

    [Theory]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AFinishedCasesDispatchCannotBeReturned(string final)
    {
        ICaseEvent end = final == "withdrawn" ? WithdrawnEvent() : MergedEvent(OtherCaseId);
        Given([.. DispatchedToWater(), end])
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "not ours"), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AWithdrawnCasesDispatchCannotBeAccepted()
    {
        Given([.. DispatchedToWater(), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(WaterDispatch), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AWithdrawnCaseCannotBeResumed()
    {
        Given([.. AcknowledgedAtMicroA(), Paused(Now.AddHours(1)), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new Resume(), Ctx(Coordinator, Now.AddHours(2))))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AnExtensionCannotBeGrantedOnAWithdrawnCase()
    {
        Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void TheDepartmentThatResolvedCanResolveItsRework()
    {
        var reopened = new CaseReopened(GridId, Water, 1, Now.AddDays(5), Agent, Now);
        var resolved = Given([.. AcceptedByWater(), Resolved(GridId, Water, WaterClerk), Feedback(false, 1), reopened])
            .When(s => CaseDecider.Decide(s, new Resolve("fixed properly this time"), Ctx(WaterClerk)))
            .Then<CaseResolved>();

        Assert.Equal(Water, resolved.DepartmentId);
    }

    [Fact]
    public void AWorkerAtAnotherNodeCannotResolve()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Resolve("done"), Ctx(MicroBWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void AWorkerAtAnotherNodeCannotDispatch()
    {
        Given(AcknowledgedAtGrid())
            .When(s => CaseDecider.Decide(s, new DispatchToDepartment(WaterDispatch, Water, null), Ctx(MicroAWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
