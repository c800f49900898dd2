using System.Diagnostics;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Intake: POST /api/appeals with realistic bodies as a call-center agent, at each concurrency level.
/// Target: at least 0.25x the same-run INSERT ceiling at a level whose p99 is at most 50 ms.
/// </summary>
public sealed class IntakeScenario : IScenario
{
    public const double TargetRatio = 0.25;
    public const double TargetP99Ms = 50;

    /// <summary>The level whose database statements are profiled (the target's).</summary>
    public const int ProfiledConcurrency = 16;

    public string Name => "intake";

    public string Title => "Intake: POST /api/appeals";

    /// <summary>One worker's loop, also used to warm the API up.</summary>
    public static Func<int, WorkerLog, CancellationToken, Task> Worker(BenchContext context, int seed) => async (worker, log, ct) =>
    {
        var factory = new AppealFactory(context.Catalog, seed + worker);
        while (log.KeepGoing)
        {
            await context.Http.PostAsync(log, "intake", "/api/appeals", BenchHttp.Body(factory.Next()), Actor.Agent, ct);
        }
    };

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var levels = new List<LevelResult>();
        var rows = new List<ResultRow>();
        List<StatementCost> statements = [];
        long statementsPerAppeal = 0;
        foreach (var concurrency in context.Profile.Concurrency)
        {
            var line = progress.Add($"intake     c={concurrency,-3}");
            var profiled = concurrency == ProfiledConcurrency && await StatementProfile.ResetAsync(context.Database.ConnectionString, context.CancellationToken);
            var level = await LoadRunner.RunAsync(concurrency, context.Profile.LevelDuration, Worker(context, 1000 * concurrency), line.Report, context.Monitor, context.CancellationToken);
            levels.Add(level);
            var (baseline, ratio) = context.RatioAt(concurrency, level.PerSecond);
            rows.Add(new ResultRow($"c={concurrency}", concurrency, level.PerSecond, "appeals/s", level.Latency.P50, level.Latency.P99, level.ErrorTotal, baseline, ratio, level.Resources));
            line.Done($"intake     c={concurrency,-3} {level.PerSecond,8:0} appeals/s  p50 {level.Latency.P50,6:0.0} ms  p99 {level.Latency.P99,6:0.0} ms" +
                      (ratio is { } r ? $"  {r:0.00}x" : "") + (level.ErrorTotal > 0 ? $"  [red]{level.ErrorTotal} errors[/]" : ""));
            if (profiled)
            {
                statements = await StatementProfile.TopAsync(context.Database.ConnectionString, 10, context.CancellationToken);
                statementsPerAppeal = level.Operations;
            }

            await Task.Delay(context.Profile.Pause, context.CancellationToken);
        }

        // The floor: the same appeal's writes as SQL, without the API (and once more without the case record's list-filter indexes).
        // It starts once the metrics daemon has projected the levels' appeals, so that its work is not counted in the floor.
        // Its GET /api/projections errors count among the scenario's errors, as the lag scenario's sampler's do.
        var waitLog = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        var settled = await ProjectionLagScenario.WaitForMetricsAsync(context, waitLog, context.CancellationToken);
        Console.WriteLine($"intake     the metrics projection caught up on the levels' appeals in {settled.TotalSeconds:0.0} s");
        var floors = new List<(string Label, LevelResult Level)>();
        List<StatementCost> floorStatements = [];
        long floorAppeals = 0;
        foreach (var (bare, label) in new[] { (false, "floor: one appeal's writes as SQL, no API"), (true, "floor without the case record's list-filter indexes") })
        {
            var line = progress.Add($"intake     {label}");
            var profiledFloor = !bare && await StatementProfile.ResetAsync(context.Database.ConnectionString, context.CancellationToken);
            if (await IntakeFloor.RunAsync(context, ProfiledConcurrency, context.Profile.LevelDuration, bare, line, context.CancellationToken) is not { } floor)
            {
                line.Done($"intake     {label}: no stored appeal to copy");
                break;
            }

            floors.Add((label, floor));
            if (profiledFloor)
            {
                floorStatements = await StatementProfile.TopAsync(context.Database.ConnectionString, 8, context.CancellationToken);
                floorAppeals = floor.Operations;
            }

            var (baseline, ratio) = context.RatioAt(ProfiledConcurrency, floor.PerSecond);
            rows.Add(new ResultRow($"{label}, c={ProfiledConcurrency}", ProfiledConcurrency, floor.PerSecond, "appeals/s", floor.Latency.P50, floor.Latency.P99, floor.ErrorTotal, baseline, ratio, floor.Resources));
            line.Done($"intake     {label} c={ProfiledConcurrency}: {floor.PerSecond,6:0} appeals/s  p50 {floor.Latency.P50,6:0.0} ms  p99 {floor.Latency.P99,6:0.0} ms" + (ratio is { } r ? $"  {r:0.00}x" : ""));
            await Task.Delay(context.Profile.Pause, context.CancellationToken);
        }

        // Where PostgreSQL's time went per appeal at c=16 (the async daemon's statements included: they are part of each appeal's cost).
        foreach (var statement in statements)
        {
            rows.Add(StatementProfile.Row($"DB at c={ProfiledConcurrency}, per appeal", statement, statementsPerAppeal, "appeal"));
        }

        foreach (var statement in floorStatements)
        {
            rows.Add(StatementProfile.Row($"DB during the floor, per appeal", statement, floorAppeals, "appeal"));
        }

        return new ScenarioResult(Name, Title, rows, [Target(context, levels, floors.Select(f => f.Level).FirstOrDefault())],
            [.. levels.SelectMany(l => l.Errors), .. floors.SelectMany(f => f.Level.Errors),
             .. waitLog.Errors.Select(e => new ErrorCount(e.Key.Operation, e.Key.Status, e.Value.Count, e.Value.Sample))]);
    }

    /// <summary>The best intake rate among the levels that keep p99 within 50 ms, against the ceiling.</summary>
    private static TargetCheck Target(BenchContext context, List<LevelResult> levels, LevelResult? floor)
    {
        var floorNote = floor is null || context.Baseline is not { } b ? ""
            : $"; the appeal's SQL alone, no API, c={floor.Concurrency}: {floor.PerSecond:0}/s = {floor.PerSecond / b.Ceiling.PerSecond:0.00}x";
        var goal = $">= {TargetRatio:0.00}x the INSERT ceiling with p99 <= {TargetP99Ms:0} ms, no errors";
        if (context.Baseline is not { } baseline)
        {
            return new TargetCheck("intake", goal, "no baseline", false);
        }

        var ceiling = baseline.Ceiling.PerSecond;
        var within = levels.Where(l => l.Latency.P99 <= TargetP99Ms && l.ErrorTotal == 0).MaxBy(l => l.PerSecond);
        if (within is null)
        {
            var best = levels.MaxBy(l => l.PerSecond)!;
            return new TargetCheck("intake", goal,
                $"no level within p99 {TargetP99Ms:0} ms without errors; best {best.PerSecond:0}/s = {best.PerSecond / ceiling:0.00}x at c={best.Concurrency}, p99 {best.Latency.P99:0.0} ms{floorNote}", false);
        }

        var ratio = within.PerSecond / ceiling;
        return new TargetCheck("intake", goal,
            $"{within.PerSecond:0} appeals/s at c={within.Concurrency} = {ratio:0.00}x of {ceiling:0} rows/s, p99 {within.Latency.P99:0.0} ms{floorNote}", ratio >= TargetRatio);
    }
}
