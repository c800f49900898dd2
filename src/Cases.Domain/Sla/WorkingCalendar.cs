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

    /// <summary>
    /// China's holidays and make-up days as shipped (2026, from the State Council's notice of 2025-11-04).
    /// Later years are added to <c>china-calendar.json</c> as data when their notice is published.
    /// </summary>
    public static WorkingCalendar China2026 { get; } = Shipped();

    /// <summary>
    /// Reads a calendar: <c>{"years": {"2026": {"holidays": ["2026-01-01", ...], "makeUpDays": [...]}}}</c>.
    /// Every holiday date is off; every make-up date is a working day, even on a weekend.
    /// </summary>
    public static WorkingCalendar FromJson(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var holidays = new List<DateOnly>();
        var makeUpDays = new List<DateOnly>();
        foreach (var year in document.RootElement.GetProperty("years").EnumerateObject())
        {
            holidays.AddRange(Dates(year.Value, "holidays"));
            makeUpDays.AddRange(Dates(year.Value, "makeUpDays"));
        }

        return new WorkingCalendar(holidays, makeUpDays);
    }

    private static IEnumerable<DateOnly> Dates(System.Text.Json.JsonElement year, string property) =>
        year.TryGetProperty(property, out var dates)
            ? dates.EnumerateArray().Select(d => DateOnly.ParseExact(d.GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            : [];

    private static WorkingCalendar Shipped()
    {
        using var stream = typeof(WorkingCalendar).Assembly.GetManifestResourceStream("Cases.Domain.china-calendar.json")
            ?? throw new InvalidOperationException("The shipped calendar is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return FromJson(reader.ReadToEnd());
    }
}
