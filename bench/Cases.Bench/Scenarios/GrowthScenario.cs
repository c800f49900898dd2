using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// How cost grows (issue 12): after the rebuild and metrics scenarios ran on the ~1M-event store, the store is topped up
/// to at least 5,000,000 events (quick: 500,000), and the rebuild, verify and metrics queries run again; the rows end
/// with the big store's figure over the first one's. A summary must not grow with the number of cases; a rebuild's
/// rate should stay flat. Part of the full profile's run (the published figures: every issue-12 target in one run),
/// where it adds about half an hour here; in the quick profile only with <c>--only rebuild,metrics,growth</c>.
/// </summary>
public sealed class GrowthScenario : IScenario
{
    public const long TargetEvents = 5_000_000;
    public const long TargetCases = 1_000_000;

    public string Name => "growth";

    public string Title => "How cost grows: rebuild and metrics on a bigger store";

    public bool InDefaultRun(BenchProfile profile) => !profile.IsQuick;

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var wanted = context.Profile.IsQuick ? 500_000 : TargetEvents + 50_000;
        var rebuild = await new RebuildScenario(wanted, "growth").RunAsync(context, progress);
        var metrics = await new MetricsQueriesScenario("growth", context.Profile.IsQuick ? MetricsQueriesScenario.TargetCases : TargetCases).RunAsync(context, progress);
        var rows = new List<ResultRow>();
        rows.AddRange(rebuild.Rows);
        rows.AddRange(metrics.Rows);

        var small = context.Results.FirstOrDefault(r => r.Name == "rebuild");
        if (Rate(small) is { } before && Rate(rebuild) is { } after)
        {
            rows.Add(new ResultRow($"ratio: rebuild rate on the big store / the first store ({after:#,0} / {before:#,0} events/s)", null, after / before, "x", null, null, 0, null, null, null));
        }

        var firstQueries = Queries(context.Results.FirstOrDefault(r => r.Name == "metrics"));
        var bigQueries = Queries(metrics);
        var firstCases = Number(context.Results.FirstOrDefault(r => r.Name == "metrics"), "cases");
        var bigCases = Number(metrics, "cases");
        if (firstQueries is not null && bigQueries is not null)
        {
            foreach (var (label, big) in bigQueries)
            {
                if (firstQueries.GetValueOrDefault(label) is { Count: > 0 } first && big.Count > 0)
                {
                    rows.Add(new ResultRow(
                        $"ratio: {label} p99 on {bigCases:#,0} cases / on {firstCases:#,0} cases ({big.P99:0.0} / {first.P99:0.0} ms; p50 {big.P50:0.0} / {first.P50:0.0} ms)",
                        null, big.P99 / first.P99, "x", null, null, 0, null, null, null));
                }
            }
        }

        return new ScenarioResult(Name, Title, rows, [.. rebuild.Targets, .. metrics.Targets], [.. rebuild.Errors, .. metrics.Errors], metrics.Details);
    }

    private static double? Rate(ScenarioResult? result) =>
        result?.Rows.FirstOrDefault(r => r.Label.StartsWith("rebuild, as the CLI reports it", StringComparison.Ordinal))?.Value
        ?? result?.Rows.FirstOrDefault(r => r.Label.StartsWith("rebuild, wall time", StringComparison.Ordinal))?.Value;

    private static Dictionary<string, LatencyStats>? Queries(ScenarioResult? result) =>
        result?.Details?.GetValueOrDefault("byQuery") as Dictionary<string, LatencyStats>;

    private static long Number(ScenarioResult? result, string key) =>
        result?.Details?.GetValueOrDefault(key) is long n ? n : 0;
}
