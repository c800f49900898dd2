using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Cases.Bench.Infrastructure;
using Npgsql;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Clocks under a full timer table. (a) With long limits on "information" (acknowledge P1D, resolve P5D: no stage of
/// theirs falls due within a run; with PT1H, the 50,000 warnings at 30 and 45 minutes fired into the growth scenario's
/// metrics queries once the full profile ran for an hour),
/// appeals of that category are filed at full speed (16 workers) until Wolverine's durable inbox holds at least
/// 100,000 scheduled timers (full: 50,000 appeals of two timers each; quick: 5,000). (b) With acknowledge PT20S on
/// "dispute", 1,000 dispute appeals (quick: 200) are filed over ~5 s, and the bench waits until each one's
/// acknowledge clock at its first node has expired. Lateness of every stage that fired (warning50, warning75,
/// expired) is the event's <c>at</c> minus when the stage was due (deadline - (1 - p) x 20 s).
/// Target: p99 lateness at most 2 s with 100,000 pending. Afterwards the dispute cases are acknowledged (so that no
/// clock of theirs keeps escalating into later scenarios) and both categories get their limits back.
/// </summary>
public sealed class ClocksScenario : IScenario
{
    public const double TargetP99Ms = 2000;
    public const int TargetPending = 100_000;
    public static readonly TimeSpan AcknowledgeLimit = TimeSpan.FromSeconds(20);

    public string Name => "clocks";

    public string Title => "Clocks: lateness with a full timer table";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var quick = context.Profile.IsQuick;
        var fillAppeals = quick ? 5_000 : 50_000;
        var disputes = quick ? 200 : 1_000;
        var cs = context.Database.ConnectionString;
        var admin = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        var rows = new List<ResultRow>();
        var errors = new List<ErrorCount>();

        var original = await context.Http.GetJsonAsync<List<JsonElement>>("/api/categories", ct);
        try
        {
            // (a) Fill the timer table.
            var fill = progress.Add($"clocks     filing {fillAppeals:#,0} information appeals (2 timers each)");
            await ClockBench.SetLimitsAsync(context, admin, "information", "P1D", "P5D", ct);
            var factory = new AppealFactory(context.Catalog, seed: 777);
            var remaining = fillAppeals;
            var filling = await LoadRunner.RunAsync(16, TimeSpan.FromHours(1), async (worker, log, token) =>
            {
                var mine = new AppealFactory(context.Catalog, 777 + worker);
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    var appeal = mine.Next() with { Category = "information" };
                    await context.Http.PostAsync(log, "intake (information)", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, token);
                }
            }, f => fill.Report(Math.Clamp(1.0 - ((double)Math.Max(0, Volatile.Read(ref remaining)) / fillAppeals), 0, 1)), context.Monitor, ct);
            errors.AddRange(filling.Errors);
            var pending = await BenchSql.PendingScheduledAsync(cs, ct);
            var (baseline, ratio) = context.RatioAt(16, filling.PerSecond);
            rows.Add(new ResultRow($"filing {filling.Operations:#,0} appeals, c=16", 16, filling.PerSecond, "appeals/s", filling.Latency.P50, filling.Latency.P99, filling.ErrorTotal, baseline, ratio, filling.Resources));
            rows.Add(new ResultRow("pending timers (wolverine_incoming_envelopes, status Scheduled)", null, pending ?? double.NaN, "timers", null, null, 0, null, null, null));
            fill.Done($"clocks     filed {filling.Operations:#,0} appeals at {filling.PerSecond:0}/s (p99 {filling.Latency.P99:0.0} ms); {pending:#,0} timers pending" +
                      (filling.ErrorTotal > 0 ? $"  [red]{filling.ErrorTotal} errors[/]" : ""));

            // (b) Short acknowledge clocks on disputes, fired while the table is full.
            var line = progress.Add($"clocks     {disputes:#,0} disputes with acknowledge PT20S, waiting for expiry");
            await ClockBench.SetLimitsAsync(context, admin, "dispute", "PT20S", "P5D", ct);
            var cases = new ConcurrentDictionary<Guid, string>();
            var fired = await ClockBench.FiredStages.StartAsync(cs, cases, AcknowledgeLimit, ct);
            var disputeFactory = new AppealFactory(context.Catalog, seed: 999);
            var filed = await OpenLoop.RunAsync(disputes / 5.0, TimeSpan.FromSeconds(5), 256, async (_, log, token) =>
            {
                AppealBody appeal;
                lock (disputeFactory)
                {
                    appeal = disputeFactory.Next() with { Category = "dispute" };
                }

                if (await context.Http.PostAsync(log, "intake (dispute)", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, token) is { } body)
                {
                    using var document = JsonDocument.Parse(body);
                    var root = document.RootElement;
                    cases[root.GetProperty("caseId").GetGuid()] = root.TryGetProperty("currentNodeId", out var node) ? node.GetString() ?? appeal.MicroGridId : appeal.MicroGridId;
                }
            }, f => line.Report(f * 0.2), null, ct);
            errors.AddRange(filed.Errors);

            // Wait (bounded) until every dispute's first acknowledge clock has expired.
            var waited = Stopwatch.StartNew();
            var limit = AcknowledgeLimit + TimeSpan.FromSeconds(60);
            List<ClockBench.Lateness> lateness = [];
            var expired = 0;
            while (true)
            {
                lateness = await fired.ReadAsync(ct);
                expired = lateness.Count(l => l.Stage == "expired");
                line.Report(0.2 + (0.8 * Math.Min(1.0, (double)expired / Math.Max(1, cases.Count))));
                if (expired >= cases.Count || waited.Elapsed > limit)
                {
                    break;
                }

                await Task.Delay(1000, ct);
            }

            lateness = await fired.ReadAllAsync(ct);
            expired = lateness.Count(l => l.Stage == "expired");
            var stats = LatencyStats.From([.. lateness.Select(l => l.Milliseconds)]);
            var expiredStats = LatencyStats.From([.. lateness.Where(l => l.Stage == "expired").Select(l => l.Milliseconds)]);
            var pendingDuring = await BenchSql.PendingScheduledAsync(cs, ct);
            rows.Add(new ResultRow($"lateness of {stats.Count:#,0} stages fired ({cases.Count:#,0} disputes; max {stats.Max:0} ms)", null, stats.Count, "stages", stats.P50, stats.P99, filed.ErrorTotal, null, null, filed.Resources));
            rows.Add(new ResultRow($"lateness of the expiries alone ({expired:#,0} of {cases.Count:#,0}; max {expiredStats.Max:0} ms)", null, expired, "expired", expiredStats.P50, expiredStats.P99, 0, null, null, null));
            var missing = cases.Count - expired;
            var goal = $"p99 lateness <= {TargetP99Ms / 1000:0} s with >= {TargetPending:#,0} timers pending";
            var measured = $"p99 {stats.P99:0} ms, p50 {stats.P50:0} ms, max {stats.Max:0} ms over {stats.Count:#,0} stages with {pending:#,0} pending" +
                           (missing > 0 ? $"; {missing} expiries missing after {limit.TotalSeconds:0} s" : "");
            var target = new TargetCheck(Name, goal, measured, stats.Count > 0 && stats.P99 <= TargetP99Ms && missing == 0 && (pending ?? 0) >= TargetPending);
            line.Done($"clocks     {cases.Count:#,0} disputes, {stats.Count:#,0} stages: lateness p50 {stats.P50:0} ms  p99 {stats.P99:0} ms  max {stats.Max:0} ms; {expired:#,0} expired, {pendingDuring:#,0} pending" +
                      (missing > 0 ? $"  [red]{missing} not expired[/]" : ""));

            // Clean up: acknowledge the disputes where they are now, so their clocks stop escalating.
            errors.AddRange(await ClockBench.AcknowledgeWhereTheyAreAsync(context, [.. cases.Keys], progress, ct));

            return new ScenarioResult(Name, Title, rows, [target], errors, new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["pendingAfterFill"] = pending ?? -1,
                ["pendingAfterExpiry"] = pendingDuring ?? -1,
                ["disputes"] = cases.Count,
                ["lateness"] = stats,
                ["latenessByStage"] = lateness.GroupBy(l => l.Stage).ToDictionary(g => g.Key, g => LatencyStats.From([.. g.Select(l => l.Milliseconds)])),
            });
        }
        finally
        {
            // Give both categories their limits back (running clocks keep theirs).
            foreach (var category in original.Where(c => c.GetProperty("code").GetString() is "information" or "dispute"))
            {
                await context.Http.PutAsync(admin, "restore limits", $"/api/categories/{category.GetProperty("code").GetString()}/limits",
                    BenchHttp.Body(category.GetProperty("limits")), null, CancellationToken.None);
            }

            errors.AddRange(admin.Errors.Select(e => new ErrorCount(e.Key.Operation, e.Key.Status, e.Value.Count, e.Value.Sample)));
        }
    }
}
