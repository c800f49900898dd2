using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Projection lag under sustained load: an open loop (a fixed arrival rate, not a fixed number of workers) of
/// 1,000 events/s for 60 s (15 s quick): every other request files an appeal, the others acknowledge an appeal filed
/// earlier (each command appends one event). GET /api/projections is sampled every 250 ms meanwhile; the figures are
/// the metrics projection's lagSeconds and lagEvents over those samples, and the event rate the store really took
/// (its sequence numbers before and after). Target: p99 lag below 1 s at 1,000 events/s sustained.
/// </summary>
public sealed class ProjectionLagScenario : IScenario
{
    public const double EventsPerSecond = 1000;
    public const double TargetP99Seconds = 1.0;
    public const int MaxInFlight = 256;

    public string Name => "lag";

    public string Title => "Projection lag at 1,000 events/s";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var duration = TimeSpan.FromSeconds(context.Profile.IsQuick ? 15 : 60);
        var line = progress.Add($"lag        {EventsPerSecond:0} events/s open loop, {duration.TotalSeconds:0} s");
        var factory = new AppealFactory(context.Catalog, seed: 4242);
        var filed = new ConcurrentQueue<(string CaseId, string NodeId)>();
        var acknowledge = BenchHttp.Body(new { note = "已电话联系来电人。" });

        async Task Operation(long index, WorkerLog log, CancellationToken token)
        {
            if (index % 2 == 1 && filed.TryDequeue(out var open))
            {
                await context.Http.PostAsync(log, "acknowledge", $"/api/cases/{open.CaseId}/acknowledge", acknowledge, Actor.GridWorker(open.NodeId), token);
                return;
            }

            AppealBody appeal;
            lock (factory)
            {
                appeal = factory.Next();
            }

            if (await context.Http.PostAsync(log, "intake", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, token) is { } body)
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                filed.Enqueue((root.GetProperty("caseId").GetString()!, root.TryGetProperty("currentNodeId", out var node) ? node.GetString() ?? appeal.MicroGridId : appeal.MicroGridId));
            }
        }

        // Start from a caught-up projection: the earlier scenarios' backlog is not this load's lag (bounded wait).
        var settle = Stopwatch.StartNew();
        var settleLog = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        while (settle.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (await context.Http.GetAsync(settleLog, "GET /api/projections", "/api/projections", null, ct) is { } state
                && Metrics(state) is { LagEvents: 0 })
            {
                break;
            }

            await Task.Delay(500, ct);
        }

        Console.WriteLine($"lag        the metrics projection caught up on earlier scenarios in {settle.Elapsed.TotalSeconds:0.0} s");

        // The sampler: the metrics projection's lag every 250 ms, while the load runs.
        var samples = new List<(double LagSeconds, long LagEvents, long DeadLetters)>();
        var samplerLog = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                var next = Task.Delay(250, stopSampling.Token);
                if (await context.Http.GetAsync(samplerLog, "GET /api/projections", "/api/projections", null, stopSampling.Token) is { } json
                    && Metrics(json) is { } metrics)
                {
                    samples.Add(metrics);
                }

                await next;
            }
        }, CancellationToken.None);

        var before = await BenchSql.MaxSequenceAsync(context.Database.ConnectionString, ct);
        OpenLoopResult load;
        try
        {
            load = await OpenLoop.RunAsync(EventsPerSecond, duration, MaxInFlight, Operation, line.Report, context.Monitor, ct);
        }
        finally
        {
            await stopSampling.CancelAsync();
            try
            {
                await sampler;
            }
            catch (OperationCanceledException)
            {
            }
        }

        var after = await BenchSql.MaxSequenceAsync(context.Database.ConnectionString, ct);
        var events = after - before;
        var eventRate = events / load.Seconds;

        // How long the projection takes to catch up once the load stops (bounded).
        var catchUp = Stopwatch.StartNew();
        double? caughtUpAfter = null;
        while (catchUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await context.Http.GetAsync(samplerLog, "GET /api/projections", "/api/projections", null, ct) is { } json && Metrics(json) is { LagEvents: 0 })
            {
                caughtUpAfter = catchUp.Elapsed.TotalSeconds;
                break;
            }

            await Task.Delay(100, ct);
        }

        var lagSeconds = LatencyStats.From([.. samples.Select(s => s.LagSeconds * 1000)]);
        var lagEvents = LatencyStats.From([.. samples.Select(s => (double)s.LagEvents)]);
        var deadLetters = samples.Count > 0 ? samples.Max(s => s.DeadLetters) : 0;
        var ceiling = context.Baseline?.Ceiling.PerSecond;
        var errors = load.Errors.Concat(samplerLog.Errors.Select(e => new ErrorCount(e.Key.Operation, e.Key.Status, e.Value.Count, e.Value.Sample))).ToList();
        var rows = new List<ResultRow>
        {
            new($"offered {EventsPerSecond:#,0} events/s, store took", null, eventRate, "events/s", load.Latency.P50, load.Latency.P99, load.ErrorTotal,
                ceiling, ceiling is { } c && c > 0 ? eventRate / c : null, load.Resources),
            new($"metrics lagSeconds ({samples.Count} samples; p50/p99 in ms)", null, lagSeconds.Max / 1000, "s max", lagSeconds.P50, lagSeconds.P99, 0, null, null, null),
            new($"metrics lagEvents (p50 {lagEvents.P50:0} / p99 {lagEvents.P99:0})", null, lagEvents.Max, "events max", null, null, 0, null, null, null),
            new("caught up after the load stopped", null, caughtUpAfter ?? double.NaN, caughtUpAfter is null ? "s (not within 60 s)" : "s", null, null, 0, null, null, null),
        };
        if (load.Skipped > 0)
        {
            rows.Add(new ResultRow($"requests skipped: {MaxInFlight} already in flight", null, load.Skipped, "requests", null, null, 0, null, null, null));
        }

        var sustained = eventRate >= 0.95 * EventsPerSecond && load.Skipped == 0;
        var goal = $"metrics lag p99 < {TargetP99Seconds:0} s at {EventsPerSecond:#,0} events/s sustained";
        var measured = $"p99 {lagSeconds.P99 / 1000:0.000} s (max {lagSeconds.Max / 1000:0.000} s, p99 {lagEvents.P99:0} events) at {eventRate:0} events/s" +
                       (sustained ? "" : $" — NOT sustained ({load.Skipped} skipped, {load.ErrorTotal} errors)") + (deadLetters > 0 ? $"; {deadLetters} dead letters" : "");
        var target = new TargetCheck(Name, goal, measured, sustained && lagSeconds.P99 / 1000 < TargetP99Seconds && samples.Count > 0);
        line.Done($"lag        {eventRate,6:0} events/s  lag p50 {lagSeconds.P50 / 1000:0.000} s  p99 {lagSeconds.P99 / 1000:0.000} s  max {lagSeconds.Max / 1000:0.000} s  ({lagEvents.P99:0} events p99)" +
                  (load.ErrorTotal > 0 ? $"  [red]{load.ErrorTotal} errors[/]" : "") + (load.Skipped > 0 ? $"  [yellow]{load.Skipped} skipped[/]" : ""));
        return new ScenarioResult(Name, Title, rows, [target], errors, new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["byOperation"] = load.ByOperation,
            ["sent"] = load.Sent,
            ["skipped"] = load.Skipped,
            ["events"] = events,
            ["lagSecondsMs"] = lagSeconds,
            ["lagEvents"] = lagEvents,
            ["deadLetters"] = deadLetters,
        });
    }

    /// <summary>The metrics projection's lag from GET /api/projections.</summary>
    public static (double LagSeconds, long LagEvents, long DeadLetters)? Metrics(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var p in document.RootElement.EnumerateArray())
        {
            if (p.GetProperty("name").GetString() == "metrics")
            {
                return (p.GetProperty("lagSeconds").GetDouble(), p.GetProperty("lagEvents").GetInt64(), p.TryGetProperty("deadLetters", out var d) ? d.GetInt64() : 0);
            }
        }

        return null;
    }
}
