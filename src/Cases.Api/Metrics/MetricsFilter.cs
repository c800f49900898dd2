using System.Globalization;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Projections.Metrics;
using Npgsql;
using F = Cases.Projections.Metrics.CaseFactsSchema;

namespace Cases.Api.Metrics;

/// <summary>The filters the metrics and the case list share, resolved to a bucket scope and a day range.</summary>
public sealed record MetricsFilter(string Scope, string? NodeId, string? DepartmentId, string? Category, DateOnly? FromDay, DateOnly? ToDay, IResult? Problem)
{
    public static async Task<MetricsFilter> ParseAsync(
        string? nodeId, string? departmentId, string? category, DateTimeOffset? from, DateTimeOffset? to, ReferenceData referenceData, CancellationToken ct)
    {
        var reference = await referenceData.GetAsync(ct);
        IResult? problem = null;
        if (nodeId is not null && departmentId is not null)
        {
            problem = Problems.Invalid("departmentId", "Give nodeId or departmentId, not both.");
        }
        else if (nodeId is not null && reference.Tree.Find(nodeId) is null)
        {
            problem = Problems.NotFound($"There is no grid node '{nodeId}'.");
        }
        else if (departmentId is not null && !reference.Departments.ContainsKey(departmentId))
        {
            problem = Problems.NotFound($"There is no department '{departmentId}'.");
        }
        else if (category is not null && !reference.Categories.ContainsKey(category))
        {
            problem = Problems.Invalid("category", $"There is no category '{category}'.");
        }
        else if (OutOfRange(from) || OutOfRange(to))
        {
            problem = Problems.Invalid(OutOfRange(from) ? "from" : "to", $"Dates run from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}.");
        }
        else if (from is not null && to is not null && from >= to)
        {
            problem = Problems.Invalid("to", "'to' must be after 'from'.");
        }

        var scope = departmentId is not null
            ? MetricsBucket.DepartmentScope(departmentId)
            : MetricsBucket.NodeScope(nodeId ?? reference.Tree.Root?.Id ?? "");
        return new MetricsFilter(scope, nodeId ?? (departmentId is null ? reference.Tree.Root?.Id : null), departmentId, category, problem is null ? DayFrom(from) : null, problem is null ? DayTo(to) : null, problem);
    }

    // Far outside any case's life, and far enough inside DateTimeOffset's range that day arithmetic cannot overflow.
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static bool OutOfRange(DateTimeOffset? at) => at is { } t && (t < Earliest || t > Latest);

    /// <summary>The bucket days: from's day inclusive; to's day exclusive when to is a midnight, inclusive otherwise.</summary>
    public static DateOnly? DayFrom(DateTimeOffset? from) => from is { } f ? CaseFacts.DayOf(f) : null;

    public static DateOnly? DayTo(DateTimeOffset? to)
    {
        if (to is not { } t)
        {
            return null;
        }

        var local = t.ToOffset(Domain.Sla.WorkingCalendar.ChinaStandardTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        return local.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }

    /// <summary>
    /// Adds up the buckets that cover the range exactly once: whole months from the month buckets (one row per month,
    /// for one category or all), and the days of a partial month at either end from the day buckets. Each bucket goes
    /// to the total <paramref name="into"/> picks by its scope and day.
    /// </summary>
    public async Task AddUpAsync(MetricsBucketReader rollups, Func<string, DateOnly, MetricsTotals> into, CancellationToken ct, string[]? scopes = null)
    {
        var firstWholeMonth = FromDay is { } f ? (f.Day == 1 ? f : new DateOnly(f.Year, f.Month, 1).AddMonths(1)) : DateOnly.MinValue;
        var afterWholeMonths = ToDay is { } t ? new DateOnly(t.Year, t.Month, 1) : DateOnly.MaxValue;
        if (firstWholeMonth >= afterWholeMonths)
        {
            await AddUpDaysAsync(rollups, scopes, FromDay ?? DateOnly.MinValue, ToDay ?? DateOnly.MaxValue, into, ct);
            return;
        }

        await rollups.AddUpAsync(
            scopes ?? [Scope], MetricsBucket.MonthGrain, Category ?? MetricsBucket.AllCategories, firstWholeMonth, afterWholeMonths, into, ct);
        if (FromDay is { } from && from < firstWholeMonth)
        {
            await AddUpDaysAsync(rollups, scopes, from, firstWholeMonth, into, ct);
        }

        if (ToDay is { } to && afterWholeMonths < to)
        {
            await AddUpDaysAsync(rollups, scopes, afterWholeMonths, to, into, ct);
        }
    }

    /// <summary>Adds up the day buckets of the range, for day and week series.</summary>
    public Task AddUpDaysAsync(
        MetricsBucketReader rollups, string[]? scopes, DateOnly from, DateOnly to, Func<string, DateOnly, MetricsTotals> into, CancellationToken ct) =>
        rollups.AddUpAsync(scopes ?? [Scope], MetricsBucket.DayGrain, Category, from, to, into, ct);

    /// <summary>
    /// Open and overdue now, among the cases the figures cover, from the same rollups: the open count and the open
    /// cases by due day. Cases due on a day before today are overdue; those due today are counted exactly over the
    /// per-case facts' due-time index, only when the buckets say there are any, so the cost does not grow with the
    /// number of cases. The rule is the domain's (<see cref="Domain.Case.OverdueFrom"/>), as in the case list.
    /// </summary>
    public async Task<Backlog> BacklogAsync(
        MetricsTotals totals, NpgsqlDataSource dataSource, string schema, string? rootId, DateTimeOffset now, CancellationToken ct)
    {
        var today = MetricsBucket.DueDay(now);
        long overdue = 0, dueToday = 0;
        foreach (var (day, count) in totals.Due)
        {
            overdue += day < today ? count : 0;
            dueToday += day == today ? count : 0;
        }

        if (dueToday > 0)
        {
            overdue += await DueSinceAsync(dataSource, schema, rootId, MetricsBucket.DueDayStart(today), now, ct);
        }

        return new Backlog(totals.Counts.Open, overdue);
    }

    private async Task<long> DueSinceAsync(NpgsqlDataSource dataSource, string schema, string? rootId, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var sql = new System.Text.StringBuilder($"""
            select count(*) from {schema}.{F.Table}
            where {F.OverdueFrom} is not null and {F.OverdueFrom} >= @since and {F.OverdueFrom} < @now
            """);
        await using var command = dataSource.CreateCommand();
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("now", now);
        if (DepartmentId is { } department)
        {
            sql.Append($" and jsonb_exists(data -> '{F.Departments}', @department)");
            command.Parameters.AddWithValue("department", NpgsqlTypes.NpgsqlDbType.Text, department);
        }
        else if (NodeId is { } node && node != rootId)
        {
            sql.Append($" and jsonb_exists(data -> '{F.Nodes}', @node)");
            command.Parameters.AddWithValue("node", NpgsqlTypes.NpgsqlDbType.Text, node);
        }

        if (Category is { } category)
        {
            sql.Append($" and data ->> '{F.Category}' = @category");
            command.Parameters.AddWithValue("category", category);
        }

        // The facts' day is the raising day (China Standard Time), written yyyy-MM-dd, so text order is date order.
        if (FromDay is { } fromDay)
        {
            sql.Append($" and data ->> '{F.Day}' >= @from");
            command.Parameters.AddWithValue("from", fromDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (ToDay is { } toDay)
        {
            sql.Append($" and data ->> '{F.Day}' < @to");
            command.Parameters.AddWithValue("to", toDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        command.CommandText = sql.ToString();
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The case list that holds exactly the cases these figures count.</summary>
    public string CasesLink
    {
        get
        {
            var query = new List<string>();
            if (DepartmentId is not null)
            {
                query.Add($"departmentId={Uri.EscapeDataString(DepartmentId)}");
            }
            else if (NodeId is not null)
            {
                query.Add($"originNodeId={Uri.EscapeDataString(NodeId)}");
            }

            if (Category is not null)
            {
                query.Add($"category={Uri.EscapeDataString(Category)}");
            }

            if (FromDay is { } fromDay)
            {
                query.Add($"from={Uri.EscapeDataString(Start(fromDay).ToString("O", CultureInfo.InvariantCulture))}");
            }

            if (ToDay is { } toDay)
            {
                query.Add($"to={Uri.EscapeDataString(Start(toDay).ToString("O", CultureInfo.InvariantCulture))}");
            }

            return "/api/cases" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        }
    }

    public static DateTimeOffset Start(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Domain.Sla.WorkingCalendar.ChinaStandardTime).ToUniversalTime();
}
