using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// What the domain should do and does not yet. Each test is skipped with the bug it exposes, so the suite
/// stays green; remove the Skip when the domain is fixed.
/// </summary>
public class DomainBugTests
{
    private const string FinalCaseDispatch =
        "domain bug: Withdraw/Merge leave dispatches Pending, and AcceptDispatch/ReturnDispatch (CaseDecider.cs) never check the case's status";

    [Theory(Skip = FinalCaseDispatch + "; a return on a withdrawn case even folds it back to Acknowledged (Case.Returned)")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AFinishedCasesDispatchCannotBeReturned(string final)
    {
        ICaseEvent end = final == "withdrawn" ? WithdrawnEvent() : MergedEvent(OtherCaseId);
        Given([.. DispatchedToWater(), end])
            .When(s => CaseDecider.Decide(s, new ReturnDispatch(WaterDispatch, "not ours"), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact(Skip = FinalCaseDispatch)]
    public void AWithdrawnCasesDispatchCannotBeAccepted()
    {
        Given([.. DispatchedToWater(), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new AcceptDispatch(WaterDispatch), Ctx(WaterClerk)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact(Skip = "domain bug: Decide(Resume) in CaseDecider.cs checks only PausedAt, and withdrawing a paused case leaves it paused")]
    public void AWithdrawnCaseCannotBeResumed()
    {
        Given([.. AcknowledgedAtMicroA(), Paused(Now.AddHours(1)), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new Resume(), Ctx(Coordinator, Now.AddHours(2))))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact(Skip = "domain bug: Decide(DecideExtension) in CaseDecider.cs never checks the case's status, and Withdraw/Merge keep PendingExtension")]
    public void AnExtensionCannotBeGrantedOnAWithdrawnCase()
    {
        Given([.. AcknowledgedAtMicroA(), ExtensionAsked(3, MicroA), WithdrawnEvent()])
            .When(s => CaseDecider.Decide(s, new DecideExtension(true), Ctx(GridHead)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact(Skip = "domain bug: CaseReopened names the department, but Case.Evolve ignores it; the dispatch stays Completed, so the department cannot resolve its rework")]
    public void TheDepartmentThatResolvedCanResolveItsRework()
    {
        var reopened = new CaseReopened(GridId, Water, 1, Agent, Now);
        var resolved = Given([.. AcceptedByWater(), Resolved(GridId, Water, WaterClerk), Feedback(false, 1), reopened])
            .When(s => CaseDecider.Decide(s, new Resolve("fixed properly this time"), Ctx(WaterClerk)))
            .Then<CaseResolved>();

        Assert.Equal(Water, resolved.DepartmentId);
    }

    [Fact(Skip = "domain bug: Decide(Resolve) in CaseDecider.cs does not check Actor.NodeId, unlike Acknowledge and Escalate")]
    public void AWorkerAtAnotherNodeCannotResolve()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Resolve("done"), Ctx(MicroBWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact(Skip = "domain bug: Decide(DispatchToDepartment) in CaseDecider.cs does not check Actor.NodeId, unlike Acknowledge and Escalate")]
    public void AWorkerAtAnotherNodeCannotDispatch()
    {
        Given(AcknowledgedAtGrid())
            .When(s => CaseDecider.Decide(s, new DispatchToDepartment(WaterDispatch, Water, null), Ctx(MicroAWorker)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
