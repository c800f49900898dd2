namespace Cases.Domain.Sla;

/// <summary>
/// Working days in China: weekends and public holidays are off, make-up days (调休) are on even when
/// they fall on a weekend. Days are judged in China Standard Time (UTC+8, no daylight saving).
/// </summary>
public sealed class WorkingCalendar
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpDays;

    public WorkingCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpDays)
    {
        _holidays = [.. holidays];
        _makeUpDays = [.. makeUpDays];
    }

    public IReadOnlyCollection<DateOnly> Holidays => _holidays;

    public IReadOnlyCollection<DateOnly> MakeUpDays => _makeUpDays;

    public bool IsWorkingDay(DateOnly day)
    {
        if (_makeUpDays.Contains(day))
        {
            return true;
        }

        if (_holidays.Contains(day))
        {
            return false;
        }

        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>
    /// The moment <paramref name="days"/> working days after <paramref name="start"/>: the same local
    /// time of day on the n-th working day that follows the start's day.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = start.ToOffset(ChinaStandardTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        var remaining = days;
        while (remaining > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                remaining--;
            }
        }

        var result = new DateTimeOffset(day.ToDateTime(TimeOnly.FromTimeSpan(local.TimeOfDay)), ChinaStandardTime);
        return result.ToUniversalTime();
    }

    /// <summary>China's 2026 holidays and make-up days, from the State Council's notice of 2025-11-04.</summary>
    public static WorkingCalendar China2026 { get; } = new(
        Range(2026, 1, 1, 3)
            .Concat(Range(2026, 2, 15, 23))
            .Concat(Range(2026, 4, 4, 6))
            .Concat(Range(2026, 5, 1, 5))
            .Concat(Range(2026, 6, 19, 21))
            .Concat(Range(2026, 9, 25, 27))
            .Concat(Range(2026, 10, 1, 7)),
        [
            new DateOnly(2026, 1, 4),
            new DateOnly(2026, 2, 14),
            new DateOnly(2026, 2, 28),
            new DateOnly(2026, 5, 9),
            new DateOnly(2026, 9, 20),
            new DateOnly(2026, 10, 10),
        ]);

    private static IEnumerable<DateOnly> Range(int year, int month, int from, int to)
    {
        for (var d = from; d <= to; d++)
        {
            yield return new DateOnly(year, month, d);
        }
    }
}
