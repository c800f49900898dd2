using Cases.Domain.Sla;

namespace Cases.Domain.Tests;

/// <summary>The calendar is data: a later year is added, or the whole calendar replaced, without code.</summary>
public class CalendarDataTests
{
    [Fact]
    public void A_calendar_file_replaces_the_shipped_one()
    {
        var calendar = WorkingCalendar.FromJson("""
            {"years": {"2027": {"holidays": ["2027-01-01"], "makeUpDays": ["2027-01-02"]}}}
            """);

        Assert.False(calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2027, 1, 2)));  // a Saturday made a working day
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 10, 1))); // the shipped 2026 holidays are gone
        Assert.False(calendar.IsWorkingDay(new DateOnly(2027, 1, 3))); // an ordinary Sunday
    }

    [Fact]
    public void The_shipped_calendar_holds_the_2026_notice()
    {
        Assert.Equal(33, WorkingCalendar.China2026.Holidays.Count);
        Assert.Equal(6, WorkingCalendar.China2026.MakeUpDays.Count);
    }
}
