using Cases.Domain.Sla;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>Deadlines: working days for whole-day resolve limits, wall-clock for everything else.</summary>
public class SlaPolicyTests
{
    private static readonly SlaLimits Shortened = new(
        TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7));

    [Fact]
    public void FiveDaysToResolveAreFiveWorkingDays()
    {
        Assert.Equal(Cst(10, 13), Policy.ResolveBy(Limits, Urgency.Normal, Cst(9, 30)));
        Assert.Equal(NormalResolveBy, Policy.ResolveBy(Limits, Urgency.Normal, Now));
    }

    /// <summary>An urgent case's 24 hours are wall-clock, even over a weekend or a holiday.</summary>
    [Fact]
    public void TheUrgentTwentyFourHoursAreWallClock()
    {
        Assert.Equal(Now.AddHours(24), Policy.ResolveBy(Limits, Urgency.Urgent, Now));
        Assert.Equal(Cst(3, 7, 18), Policy.ResolveBy(Limits, Urgency.Urgent, Cst(3, 6, 18)));
        Assert.Equal(Cst(10, 1), Policy.ResolveBy(Limits, Urgency.Urgent, Cst(9, 30)));
    }

    [Fact]
    public void WithoutWorkingDaysTheResolveLimitIsWallClock()
    {
        var wallClock = Limits with { ResolveInWorkingDays = false };

        Assert.Equal(Cst(10, 5), Policy.ResolveBy(wallClock, Urgency.Normal, Cst(9, 30)));
        Assert.Equal(Cst(10, 1), Policy.ResolveBy(wallClock, Urgency.Urgent, Cst(9, 30)));
    }

    [Fact]
    public void APartDayResolveLimitIsWallClockEvenWithWorkingDays()
    {
        var limits = Limits with
        {
            Normal = Limits.Normal with { Resolve = TimeSpan.FromHours(36) },
            Urgent = Limits.Urgent with { Resolve = TimeSpan.FromHours(12) },
        };

        Assert.True(limits.ResolveInWorkingDays);
        Assert.Equal(Cst(10, 1, 22), Policy.ResolveBy(limits, Urgency.Normal, Cst(9, 30)));
        Assert.Equal(Cst(9, 30, 22), Policy.ResolveBy(limits, Urgency.Urgent, Cst(9, 30)));
    }

    [Fact]
    public void AcknowledgeAndAcceptLimitsRunOnTheWallClockThroughHolidays()
    {
        var holiday = Cst(10, 1, 23);

        Assert.Equal(Cst(10, 2, 1), Policy.AcknowledgeBy(Limits, Urgency.Normal, holiday));
        Assert.Equal(Cst(10, 1, 23, 30), Policy.AcknowledgeBy(Limits, Urgency.Urgent, holiday));
        Assert.Equal(Cst(10, 2, 1), Policy.AcceptBy(Limits, Urgency.Normal, holiday));
        Assert.Equal(Cst(10, 1, 23, 30), Policy.AcceptBy(Limits, Urgency.Urgent, holiday));
    }

    [Fact]
    public void TheFeedbackWindowIsThreeCalendarDays()
    {
        Assert.Equal(Cst(10, 3), Policy.FeedbackBy(Limits, Urgency.Normal, Cst(9, 30)));
        Assert.Equal(Cst(10, 3), Policy.FeedbackBy(Limits, Urgency.Urgent, Cst(9, 30)));
    }

    [Fact]
    public void TestsCanShortenEveryLimitToSeconds()
    {
        var limits = new CategoryLimits(Shortened, Shortened, ResolveInWorkingDays: true);

        Assert.Equal(Now.AddSeconds(2), Policy.AcknowledgeBy(limits, Urgency.Normal, Now));
        Assert.Equal(Now.AddSeconds(3), Policy.AcceptBy(limits, Urgency.Urgent, Now));
        Assert.Equal(Now.AddSeconds(5), Policy.ResolveBy(limits, Urgency.Normal, Now));
        Assert.Equal(Now.AddSeconds(7), Policy.FeedbackBy(limits, Urgency.Normal, Now));
    }

    [Fact]
    public void AnExtensionCountsWorkingDaysFromTheCurrentDeadline()
    {
        // Thu 8 Oct + 3: Fri 9, Sat 10 (make-up), Mon 12.
        Assert.Equal(Cst(10, 12), Policy.Extend(Cst(10, 8), 3));
        // Wed 11 Mar + 10: 12, 13, 16, 17, 18, 19, 20, 23, 24, 25.
        Assert.Equal(Cst(3, 25), Policy.Extend(NormalResolveBy, 10));
    }

    [Fact]
    public void UrgencyPicksItsLimits()
    {
        Assert.Same(Limits.Urgent, Limits.For(Urgency.Urgent));
        Assert.Same(Limits.Normal, Limits.For(Urgency.Normal));
        Assert.Equal(TimeSpan.FromDays(5), CategoryLimits.Default.Normal.Resolve);
        Assert.Equal(TimeSpan.FromHours(24), CategoryLimits.Default.Urgent.Resolve);
    }
}
