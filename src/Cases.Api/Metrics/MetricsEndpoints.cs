using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Metrics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace Cases.Api.Metrics;

public sealed record MetricsSummary(string Scope, DateOnly? FromDay, DateOnly? ToDay, string? Category, Figures Figures, Backlog Backlog, AsOf AsOf, string Cases);

public sealed record TimeseriesPoint(DateTimeOffset BucketStart, Figures Figures);

public sealed record Timeseries(string Scope, string Bucket, IReadOnlyList<TimeseriesPoint> Points, AsOf AsOf);

public sealed record RankedNode(int Rank, string NodeId, string Name, double? Value, long Raised);

public sealed record Ranking(GridLevel Level, string Metric, IReadOnlyList<RankedNode> Nodes, AsOf AsOf);

/// <summary>
/// Response-time figures for leaders, from the metrics rollups. Figures cover the cases raised in [from, to),
/// in whole days of China Standard Time, under a node (everything beneath it, by where the appeal arose),
/// a department, or both nowhere (the district). They are eventually consistent: <c>asOf</c> says how far they got.
/// </summary>
public static class MetricsEndpoints
{
    [WolverineGet("/api/metrics/summary", OperationId = "metricsSummary")]
    [Authorize(Roles = Roles.MetricsReaders)]
    [Tags("Metrics")]
    [ProducesResponseType<MetricsSummary>(StatusCodes.Status200OK)]
    public static async Task<IResult> Summary(
        string? nodeId, string? departmentId, string? category, DateTimeOffset? from, DateTimeOffset? to,
        ReferenceData referenceData, ProjectionStatus status, TimeProvider clock, MetricsBucketReader rollups,
        NpgsqlDataSource dataSource, CasesOptions options, HttpContext http, IActorAccessor actors, CancellationToken ct)
    {
        var scoped = CaseScope.Metrics(actors.Current(http), (await referenceData.GetAsync(ct)).Tree, nodeId, departmentId);
        if (scoped.Refusal is { } refused)
        {
            return refused;
        }

        (nodeId, departmentId) = (scoped.NodeId, scoped.DepartmentId);
        var filter = await MetricsFilter.ParseAsync(nodeId, departmentId, category, from, to, referenceData, ct);
        if (filter.Problem is { } problem)
        {
            return problem;
        }

        var totals = new MetricsTotals();
        await filter.AddUpAsync(rollups, (_, _) => totals, ct);
        var root = (await referenceData.GetAsync(ct)).Tree.Root?.Id;
        var backlog = await filter.BacklogAsync(totals, dataSource, options.Schema, root, clock.GetUtcNow().ToUniversalTime(), ct);
        return Results.Ok(new MetricsSummary(
            filter.Scope, filter.FromDay, filter.ToDay, category, Figures.From(totals, backlog), backlog,
            await status.AsOfAsync(MetricsProjection.Name, ct), filter.CasesLink));
    }

    [WolverineGet("/api/metrics/timeseries", OperationId = "metricsTimeseries")]
    [Authorize(Roles = Roles.MetricsReaders)]
    [Tags("Metrics")]
    [ProducesResponseType<Timeseries>(StatusCodes.Status200OK)]
    public static async Task<IResult> Series(
        string? nodeId, string? departmentId, string? category, string? bucket, DateTimeOffset? from, DateTimeOffset? to,
        MetricsBucketReader rollups, ReferenceData referenceData, ProjectionStatus status, HttpContext http, IActorAccessor actors, CancellationToken ct)
    {
        if (bucket is not (null or "day" or "week" or "month"))
        {
            return Problems.Invalid("bucket", "'bucket' is day, week or month.");
        }

        var scoped = CaseScope.Metrics(actors.Current(http), (await referenceData.GetAsync(ct)).Tree, nodeId, departmentId);
        if (scoped.Refusal is { } refused)
        {
            return refused;
        }

        (nodeId, departmentId) = (scoped.NodeId, scoped.DepartmentId);

        var filter = await MetricsFilter.ParseAsync(nodeId, departmentId, category, from, to, referenceData, ct);
        if (filter.Problem is { } problem)
        {
            return problem;
        }

        var size = bucket ?? "day";
        var byStart = new SortedDictionary<DateOnly, MetricsTotals>();
        MetricsTotals Into(string scope, DateOnly day)
        {
            var start = Start(day, size);
            return byStart.TryGetValue(start, out var totals) ? totals : byStart[start] = new MetricsTotals();
        }

        if (size == "month")
        {
            await filter.AddUpAsync(rollups, Into, ct);
        }
        else
        {
            await filter.AddUpDaysAsync(rollups, null, filter.FromDay ?? DateOnly.MinValue, filter.ToDay ?? DateOnly.MaxValue, Into, ct);
        }

        var points = byStart
            .Select(p => new TimeseriesPoint(new DateTimeOffset(p.Key.ToDateTime(TimeOnly.MinValue), Domain.Sla.WorkingCalendar.ChinaStandardTime), Figures.From(p.Value)))
            .ToList();
        return Results.Ok(new Timeseries(filter.Scope, size, points, await status.AsOfAsync(MetricsProjection.Name, ct)));
    }

    [WolverineGet("/api/metrics/ranking", OperationId = "metricsRanking")]
    [Authorize(Roles = Roles.MetricsReaders)]
    [Tags("Metrics")]
    [ProducesResponseType<Ranking>(StatusCodes.Status200OK)]
    public static async Task<IResult> Rank(
        string? level, string? metric, string? category, DateTimeOffset? from, DateTimeOffset? to,
        MetricsBucketReader rollups, ReferenceData referenceData, ProjectionStatus status, HttpContext http, IActorAccessor actors, CancellationToken ct)
    {
        var actor = actors.Current(http);
        if (!CaseScope.SeesAll(actor) && actor.NodeId is null)
        {
            return CaseScope.Forbidden("A ranking compares nodes; your role reads its own department's figures.");
        }

        if (!GridLevels.TryParse(level ?? "street", out var gridLevel))
        {
            return Problems.Invalid("level", "'level' is district, street, community, grid or microgrid.");
        }

        var wanted = metric ?? "response";
        if (!Figures.RankableMetrics.Contains(wanted, StringComparer.OrdinalIgnoreCase))
        {
            return Problems.Invalid("metric", $"'metric' is one of: {string.Join(", ", Figures.RankableMetrics)}.");
        }

        var filter = await MetricsFilter.ParseAsync(null, null, category, from, to, referenceData, ct);
        if (filter.Problem is { } problem)
        {
            return problem;
        }

        var tree = (await referenceData.GetAsync(ct)).Tree;
        var nodes = tree.Nodes.Where(n => n.Level == gridLevel && (CaseScope.SeesAll(actor) || CaseScope.MayReadNode(actor, tree, n.Id))).ToDictionary(n => MetricsBucket.NodeScope(n.Id), StringComparer.Ordinal);
        var scopes = nodes.Keys.ToArray();
        var byScope = new Dictionary<string, MetricsTotals>(StringComparer.Ordinal);
        await filter.AddUpAsync(rollups, (scope, _) => byScope.TryGetValue(scope, out var totals) ? totals : byScope[scope] = new MetricsTotals(), ct, scopes);
        var ranked = nodes
            .Select(n => (Node: n.Value, Figures: byScope.TryGetValue(n.Key, out var totals) ? Figures.From(totals) : null))
            .Select(x => (x.Node, Value: x.Figures?.Rate(wanted), Raised: x.Figures?.Raised ?? 0))
            .OrderByDescending(x => x.Value.HasValue)
            .ThenByDescending(x => x.Value)
            .ThenBy(x => x.Node.Id, StringComparer.Ordinal)
            .Select((x, i) => new RankedNode(i + 1, x.Node.Id, x.Node.Name, x.Value, x.Raised))
            .ToList();
        return Results.Ok(new Ranking(gridLevel, wanted, ranked, await status.AsOfAsync(MetricsProjection.Name, ct)));
    }

    private static DateOnly Start(DateOnly day, string size) => size switch
    {
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "month" => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };
}
