using Cases.Domain.Clocks;
using static Cases.Domain.Clocks.ClockStage;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// The host schedules only the first stage of each clock; each stage that fires schedules the next. Given a
/// history, when a stage fires, then exactly the next stage of the same deadline follows, or nothing.
/// </summary>
public class ClockChainTests
{
    [Fact]
    public void OnlyTheFirstStageOfEachClockIsScheduledUpFront()
    {
        var timers = ClockPlanner.FirstStages(null, Fold([Raised()])!);

        Assert.Equal(
            [
                Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11)),
                Due(ClockKind.Resolve, Warning50, "resolve", NormalResolveBy, Cst(3, 7, 22)),
            ],
            timers);
    }

    [Fact]
    public void EachWarningSchedulesTheNextStageOfTheSameDeadline()
    {
        var fiftyPercent = Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11));
        var warned = Fold([Raised(), Elapsed(fiftyPercent, MicroA)])!;

        var next = ClockPlanner.NextStage(warned, fiftyPercent);

        Assert.Equal(Due(ClockKind.Acknowledge, Warning75, MicroA, Cst(3, 4, 12), Cst(3, 4, 11, 30)), next);
        Assert.Equal(Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12)), ClockPlanner.NextStage(warned, next!));
    }

    [Fact]
    public void NothingFollowsAnExpiryOrAStaleStage()
    {
        var expiry = Due(ClockKind.Acknowledge, Expired, MicroA, Cst(3, 4, 12));
        Assert.Null(ClockPlanner.NextStage(Fold([Raised()])!, expiry));

        // Acknowledged at 10:30: the acknowledge clock has stopped, so its 50% warning leads nowhere.
        var acknowledged = Fold([Raised(), Acked(MicroA, MicroAWorker, Cst(3, 4, 10, 30))])!;
        Assert.Null(ClockPlanner.NextStage(acknowledged, Due(ClockKind.Acknowledge, Warning50, MicroA, Cst(3, 4, 12), Cst(3, 4, 11))));
    }
}
