using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// The morning after a holiday: thousands of deadlines fall due together. With acknowledge PT4M on "dispute" (quick: 80 s),
/// 20,000 dispute appeals (quick: 2,000) are filed at an even rate over one minute (quick: 20 s), so that each of their
/// acknowledge clocks' three stages (warning50, warning75, expired) falls due for all of them within one minute. The bench waits until every expiry
/// fired and reports the lateness of every stage (its <c>at</c> minus when it was due) and how many stages fired twice.
/// Target: all fire, each once, p99 lateness at most 5 s.
/// </summary>
public sealed class ClockBurstScenario : IScenario
{
    public const double TargetP99Ms = 5000;

    public string Name => "burst";

    public string Title => "Clocks: a burst of deadlines";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var quick = context.Profile.IsQuick;
        var count = quick ? 2_000 : 20_000;
        // Each stage's deadlines span the filing window; a limit of four windows keeps the three stages' windows apart
        // (warning50 at 2, warning75 at 3, expired at 4 windows after filing), so each minute holds one stage of every clock.
        var window = quick ? TimeSpan.FromSeconds(20) : TimeSpan.FromMinutes(1);
        var limit = 4 * window;
        var cs = context.Database.ConnectionString;
        var admin = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        var rows = new List<ResultRow>();
        var errors = new List<ErrorCount>();
        var original = await context.Http.GetJsonAsync<List<JsonElement>>("/api/categories", ct);
        try
        {
            await ClockBench.SetLimitsAsync(context, admin, "dispute", System.Xml.XmlConvert.ToString(limit), "P5D", ct);
            var line = progress.Add($"burst      filing {count:#,0} disputes over {window.TotalSeconds:0} s, acknowledge {System.Xml.XmlConvert.ToString(limit)}");
            var cases = new ConcurrentDictionary<Guid, string>();
            var fired = await ClockBench.FiredStages.StartAsync(cs, cases, limit, ct);
            var factory = new AppealFactory(context.Catalog, seed: 4242);
            var filing = await OpenLoop.RunAsync(count / window.TotalSeconds, window, 512, async (_, log, token) =>
            {
                AppealBody appeal;
                lock (factory)
                {
                    appeal = factory.Next() with { Category = "dispute" };
                }

                if (await context.Http.PostAsync(log, "intake (dispute)", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, token) is { } body)
                {
                    using var document = JsonDocument.Parse(body);
                    var root = document.RootElement;
                    cases[root.GetProperty("caseId").GetGuid()] = root.GetProperty("currentNodeId").GetString() ?? appeal.MicroGridId;
                }
            }, f => line.Report(0.25 * f), context.Monitor, ct);
            errors.AddRange(filing.Errors);
            var span = TimeSpan.FromSeconds(filing.Seconds);
            rows.Add(new ResultRow($"filed {cases.Count:#,0} disputes over {span.TotalSeconds:0} s (open loop, {count / window.TotalSeconds:0}/s offered; {filing.Skipped:#,0} skipped)", null,
                cases.Count / Math.Max(filing.Seconds, 0.001), "appeals/s", filing.Latency.P50, filing.Latency.P99, filing.ErrorTotal, null, null, filing.Resources));

            // Wait (bounded) until every case's acknowledge clock at its first node has expired.
            var waited = Stopwatch.StartNew();
            var bound = limit + TimeSpan.FromMinutes(3);
            List<ClockBench.Lateness> lateness;
            int expired;
            // Where PostgreSQL's time goes while the stages fire (the handlers', the daemons' and this wait's own reads),
            // per stage fired: what an escalation costs the database.
            var profiled = await StatementProfile.ResetAsync(cs, ct);
            var firing = context.Monitor();
            while (true)
            {
                lateness = await fired.ReadAsync(ct);
                expired = lateness.Count(l => l.Stage == "expired");
                line.Report(0.25 + (0.75 * Math.Min(1.0, (double)lateness.Count / Math.Max(1, 3 * cases.Count))));
                if (expired >= cases.Count || waited.Elapsed > bound)
                {
                    break;
                }

                await Task.Delay(2000, ct);
            }

            var resources = await firing.StopAsync();
            await firing.DisposeAsync();
            var statements = profiled ? await StatementProfile.TopAsync(cs, 10, ct) : [];
            lateness = await fired.ReadAllAsync(ct);
            expired = lateness.Count(l => l.Stage == "expired");
            var twice = await ClockBench.StagesFiredTwiceAsync(cs, [.. cases.Keys], ct);
            var stats = LatencyStats.From([.. lateness.Select(l => l.Milliseconds)]);
            var expiredStats = LatencyStats.From([.. lateness.Where(l => l.Stage == "expired").Select(l => l.Milliseconds)]);
            rows.Add(new ResultRow($"lateness of {stats.Count:#,0} stages fired ({cases.Count:#,0} clocks; max {stats.Max:0} ms)", null, stats.Count, "stages", stats.P50, stats.P99, 0, null, null, resources));
            rows.Add(new ResultRow($"lateness of the expiries alone ({expired:#,0} of {cases.Count:#,0}; max {expiredStats.Max:0} ms)", null, expired, "expired", expiredStats.P50, expiredStats.P99, 0, null, null, null));
            rows.Add(new ResultRow("stages fired twice (same case, clock, node, deadline and stage)", null, twice, "stages", null, null, twice, null, null, null));
            foreach (var statement in statements)
            {
                rows.Add(StatementProfile.Row("DB while the stages fired, per stage", statement, stats.Count, "stage"));
            }

            var missing = cases.Count - expired;
            var goal = $"every one of {count:#,0} clocks due within about a minute fires each stage exactly once, p99 lateness <= {TargetP99Ms / 1000:0} s";
            var measured = $"p99 {stats.P99:0} ms, p50 {stats.P50:0} ms, max {stats.Max:0} ms over {stats.Count:#,0} stages of {cases.Count:#,0} clocks due over {span.TotalSeconds:0} s; " +
                           $"{twice} fired twice" + (missing > 0 ? $"; {missing} expiries missing after {bound.TotalSeconds:0} s" : "");
            var target = new TargetCheck(Name, goal, measured, stats.Count > 0 && stats.P99 <= TargetP99Ms && missing == 0 && twice == 0 && cases.Count == count && span <= window + TimeSpan.FromSeconds(5));
            line.Done($"burst      {cases.Count:#,0} clocks, {stats.Count:#,0} stages: lateness p50 {stats.P50:0} ms  p99 {stats.P99:0} ms  max {stats.Max:0} ms; " +
                      $"{twice} twice" + (missing > 0 ? $"  [red]{missing} not expired[/]" : ""));

            errors.AddRange(await ClockBench.AcknowledgeWhereTheyAreAsync(context, [.. cases.Keys], progress, ct));
            return new ScenarioResult(Name, Title, rows, [target], errors, new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["clocks"] = cases.Count,
                ["deadlineSpanSeconds"] = span.TotalSeconds,
                ["lateness"] = stats,
                ["latenessByStage"] = lateness.GroupBy(l => l.Stage).ToDictionary(g => g.Key, g => LatencyStats.From([.. g.Select(l => l.Milliseconds)])),
                ["firedTwice"] = twice,
            });
        }
        finally
        {
            foreach (var category in original.Where(c => c.GetProperty("code").GetString() is "dispute"))
            {
                await context.Http.PutAsync(admin, "restore limits", "/api/categories/dispute/limits", BenchHttp.Body(category.GetProperty("limits")), null, CancellationToken.None);
            }

            errors.AddRange(admin.Errors.Select(e => new ErrorCount(e.Key.Operation, e.Key.Status, e.Value.Count, e.Value.Sample)));
        }
    }
}
