using Cases.Domain.Sla;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// The 2026 working-day calendar (State Council notice of 2025-11-04). Every expected date below was
/// counted by hand against the notice, not read back from the code.
/// </summary>
public class CalendarTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.China2026;

    [Theory]
    [InlineData(3, 7)]
    [InlineData(3, 8)]
    [InlineData(12, 26)]
    public void AnOrdinaryWeekendIsOff(int month, int day) =>
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, month, day)));

    [Theory]
    [InlineData(3, 4)]
    [InlineData(9, 24)]
    [InlineData(9, 28)]
    [InlineData(10, 8)]
    public void AnOrdinaryWeekdayIsOn(int month, int day) =>
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, month, day)));

    [Theory]
    [InlineData(1, 4, DayOfWeek.Sunday)]
    [InlineData(2, 14, DayOfWeek.Saturday)]
    [InlineData(2, 28, DayOfWeek.Saturday)]
    [InlineData(5, 9, DayOfWeek.Saturday)]
    [InlineData(9, 20, DayOfWeek.Sunday)]
    [InlineData(10, 10, DayOfWeek.Saturday)]
    public void AMakeUpWeekendDayIsOn(int month, int day, DayOfWeek weekday)
    {
        var date = new DateOnly(2026, month, day);

        Assert.Equal(weekday, date.DayOfWeek);
        Assert.True(Calendar.IsWorkingDay(date));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 16)]
    [InlineData(2, 23)]
    [InlineData(4, 6)]
    [InlineData(5, 5)]
    [InlineData(6, 19)]
    [InlineData(9, 25)]
    [InlineData(10, 1)]
    [InlineData(10, 7)]
    public void AWeekdayHolidayIsOff(int month, int day)
    {
        var date = new DateOnly(2026, month, day);

        Assert.NotEqual(DayOfWeek.Saturday, date.DayOfWeek);
        Assert.NotEqual(DayOfWeek.Sunday, date.DayOfWeek);
        Assert.False(Calendar.IsWorkingDay(date));
    }

    [Fact]
    public void TwentyTwentySixHasTwoHundredAndFortyEightWorkingDays()
    {
        // 261 weekdays, less 19 weekday holidays, plus 6 make-up days.
        var start = new DateOnly(2026, 1, 1);
        var working = Enumerable.Range(0, 365).Count(i => Calendar.IsWorkingDay(start.AddDays(i)));

        Assert.Equal(248, working);
        Assert.Equal(33, Calendar.Holidays.Count);
        Assert.Equal(6, Calendar.MakeUpDays.Count);
    }

    [Fact]
    public void FiveWorkingDaysAcrossNationalDay()
    {
        // Wed 30 Sep; 1-7 Oct off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
        Assert.Equal(Cst(10, 13), Calendar.AddWorkingDays(Cst(9, 30), 5));
    }

    [Fact]
    public void FiveWorkingDaysAcrossTheSpringFestival()
    {
        // Fri 13 Feb; Sat 14 (make-up); 15-23 off; Tue 24, Wed 25, Thu 26, Fri 27.
        Assert.Equal(Cst(2, 27), Calendar.AddWorkingDays(Cst(2, 13), 5));
    }

    [Fact]
    public void TheMakeUpSaturdayBeforeTheSpringFestivalCounts()
    {
        // Thu 12 Feb; Fri 13, Sat 14 (make-up).
        Assert.Equal(Cst(2, 14), Calendar.AddWorkingDays(Cst(2, 12), 2));
    }

    [Fact]
    public void OneWorkingDayAfterNewYearsEveIsTheMakeUpSunday()
    {
        var newYearsEve = new DateTimeOffset(2025, 12, 31, 9, 0, 0, WorkingCalendar.ChinaStandardTime);

        Assert.Equal(Cst(1, 4, 9), Calendar.AddWorkingDays(newYearsEve, 1));
    }

    [Fact]
    public void OneWorkingDayAfterFridayIsMonday() =>
        Assert.Equal(Cst(3, 9, 17, 30), Calendar.AddWorkingDays(Cst(3, 6, 17, 30), 1));

    [Fact]
    public void CountingFromAHolidayStartsAtTheNextWorkingDay() =>
        Assert.Equal(Cst(10, 8, 15), Calendar.AddWorkingDays(Cst(10, 3, 15), 1));

    [Fact]
    public void TheDayIsJudgedInChinaStandardTime()
    {
        // 17:00 UTC on Friday is 01:00 on Saturday in Suqian: the next working day is Monday 01:00 there.
        var fridayUtc = new DateTimeOffset(2026, 3, 6, 17, 0, 0, TimeSpan.Zero);

        Assert.Equal(Cst(3, 9, 1), Calendar.AddWorkingDays(fridayUtc, 1));
    }

    [Fact]
    public void ZeroWorkingDaysIsTheStartItself() =>
        Assert.Equal(Cst(10, 3, 15), Calendar.AddWorkingDays(Cst(10, 3, 15), 0));

    [Fact]
    public void ANegativeCountIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(Now, -1));

    [Fact]
    public void AnotherYearNeedsItsOwnData()
    {
        // 1 Oct 2027 is a Friday. The 2026 calendar does not know the 2027 notice, so it is a working day.
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2027, 10, 1)));

        var custom = new WorkingCalendar([new DateOnly(2027, 10, 1)], [new DateOnly(2027, 10, 9)]);
        Assert.False(custom.IsWorkingDay(new DateOnly(2027, 10, 1)));
        Assert.True(custom.IsWorkingDay(new DateOnly(2027, 10, 9)));
    }
}
