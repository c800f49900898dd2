using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>撤销 (withdraw), merging duplicates, and 督办 (supervision).</summary>
public class WithdrawMergeSuperviseTests
{
    private static Case Target(params ICaseEvent[] history) => Fold(history)!;

    private static Case OpenTarget => Target(Raised(caseId: OtherCaseId));

    [Theory]
    [InlineData("open")]
    [InlineData("acknowledged")]
    [InlineData("dispatched")]
    public void TheResidentWithdrawsACaseNotYetResolved(string state)
    {
        var spec = Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Withdraw("fixed it myself"), Ctx(Agent, Now.AddHours(1))));
        var withdrawn = spec.Then<CaseWithdrawn>();

        Assert.Equal("fixed it myself", withdrawn.Reason);
        Assert.Equal(Agent, withdrawn.By);
        var (after, afterRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Withdrawn, after.Status);
        Assert.Equal(Now.AddHours(1), afterRead.ClosedAt);
        Assert.Null(after.AcknowledgeBy);
    }

    [Theory]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AResolvedOrFinishedCaseCannotBeWithdrawn(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Withdraw("too late"), Ctx(Agent)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void ADuplicateIsMergedIntoAnotherCase()
    {
        var spec = Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Merge(OtherCaseId), OpenTarget, Ctx(Coordinator)));
        var merged = spec.Then<CaseMerged>();

        Assert.Equal(OtherCaseId, merged.IntoCaseId);
        Assert.Equal(Coordinator, merged.By);
        var (after, afterRead) = spec.ThenBoth;
        Assert.Equal(CaseStatus.Merged, after.Status);
        Assert.Equal(OtherCaseId, afterRead.MergedIntoCaseId);
        Assert.Equal(Now, afterRead.ClosedAt);
    }

    [Fact]
    public void ACaseCannotBeMergedIntoItself()
    {
        var self = Target(AcknowledgedAtMicroA());
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Merge(CaseId), self, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Fact]
    public void MergingIntoAnUnknownCaseIsNotFound()
    {
        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Merge(OtherCaseId), null, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.NotFound);
    }

    [Theory]
    [InlineData(CaseStatus.Closed)]
    [InlineData(CaseStatus.Withdrawn)]
    [InlineData(CaseStatus.Merged)]
    public void ACaseCannotBeMergedIntoAFinishedCase(CaseStatus targetStatus)
    {
        ICaseEvent final = targetStatus switch
        {
            CaseStatus.Closed => new CaseClosed(CloseReason.Verified, null, Coordinator, Now),
            CaseStatus.Withdrawn => WithdrawnEvent(),
            _ => MergedEvent(Guid.NewGuid()),
        };
        var target = Target(Raised(caseId: OtherCaseId), final);
        Assert.Equal(targetStatus, target.Status);

        Given(AcknowledgedAtMicroA())
            .When(s => CaseDecider.Decide(s, new Merge(OtherCaseId), target, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("resolved")]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AResolvedOrFinishedCaseCannotBeMerged(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Merge(OtherCaseId), OpenTarget, Ctx(Coordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }

    [Theory]
    [InlineData("open", MicroA)]
    [InlineData("dispatched", GridId)]
    [InlineData("resolved", GridId)]
    public void SupervisionIsRecordedAtTheCurrentNode(string state, string node)
    {
        var spec = Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Supervise("overdue: report by 17:00"), Ctx(StreetCoordinator)));
        var supervised = spec.Then<CaseSupervised>();

        Assert.Equal("overdue: report by 17:00", supervised.Note);
        Assert.Equal(node, supervised.NodeId);
        Assert.Equal(StreetCoordinator, supervised.By);
        Assert.Equal(1, spec.ThenRecord.Supervisions);
    }

    [Fact]
    public void SupervisionsAddUp()
    {
        var supervisedOnce = new CaseSupervised("first", GridId, Actor.System, Now);
        var spec = Given([.. DispatchedToWater(), supervisedOnce])
            .When(s => CaseDecider.Decide(s, new Supervise("second"), Ctx(Actor.System)));

        spec.Then<CaseSupervised>();
        Assert.Equal(2, spec.ThenRecord.Supervisions);
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("withdrawn")]
    [InlineData("merged")]
    public void AFinishedCaseCannotBeSupervised(string state)
    {
        Given(InState(state))
            .When(s => CaseDecider.Decide(s, new Supervise("?"), Ctx(StreetCoordinator)))
            .ThenRefused(RefusalKind.Conflict);
    }
}
