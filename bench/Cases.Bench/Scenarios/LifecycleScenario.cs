using System.Text.Json;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// The lifecycle mix: each worker takes one appeal at a time from intake to closure, over HTTP exactly as
/// LifecycleTests does. It is acknowledged by the micro-grid's worker; four in ten are escalated to the grid,
/// acknowledged there, dispatched to a department that handles the category, accepted and resolved by that
/// department; the rest are resolved by the grid worker. Nine in ten residents are satisfied (closed); the
/// others reopen it, it is resolved again and closed by verification. Every command is timed on its own.
/// </summary>
public sealed class LifecycleScenario : IScenario
{
    public const double EscalatedShare = 0.4;
    public const double SatisfiedShare = 0.9;

    public static readonly string[] Commands = ["intake", "acknowledge", "escalate", "dispatch", "accept", "resolve", "feedback", "close"];

    public string Name => "lifecycle";

    public string Title => "Lifecycle mix";

    public static Func<int, WorkerLog, CancellationToken, Task> Worker(BenchContext context, int seed) => async (worker, log, ct) =>
    {
        var factory = new AppealFactory(context.Catalog, seed + worker);
        while (log.KeepGoing)
        {
            await OneCaseAsync(context, factory, log, ct);
        }
    };

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var levels = new List<LevelResult>();
        var rows = new List<ResultRow>();
        var firstSequence = await BenchSql.MaxSequenceAsync(context.Database.ConnectionString, context.CancellationToken);
        foreach (var concurrency in context.Profile.Concurrency)
        {
            var line = progress.Add($"lifecycle  c={concurrency,-3}");
            var level = await LoadRunner.RunAsync(concurrency, context.Profile.LevelDuration, Worker(context, 5000 * concurrency), line.Report, context.Monitor, context.CancellationToken);
            levels.Add(level);
            var (baseline, ratio) = context.RatioAt(concurrency, level.PerSecond);
            rows.Add(new ResultRow($"c={concurrency}", concurrency, level.PerSecond, "commands/s", level.Latency.P50, level.Latency.P99, level.ErrorTotal, baseline, ratio, level.Resources));
            line.Done($"lifecycle  c={concurrency,-3} {level.PerSecond,8:0} commands/s p50 {level.Latency.P50,6:0.0} ms  p99 {level.Latency.P99,6:0.0} ms" +
                      (ratio is { } r ? $"  {r:0.00}x" : "") + (level.ErrorTotal > 0 ? $"  [red]{level.ErrorTotal} errors[/]" : ""));
            await Task.Delay(context.Profile.Pause, context.CancellationToken);
        }

        // Rolled-back appends leave holes the projection daemon waits on (Marten's stale-sequence threshold).
        var lastSequence = await BenchSql.MaxSequenceAsync(context.Database.ConnectionString, context.CancellationToken);
        var (gaps, missing) = await BenchSql.SequenceGapsAsync(context.Database.ConnectionString, firstSequence, context.CancellationToken);
        rows.Add(new ResultRow($"event sequence holes (rolled-back appends) over {lastSequence - firstSequence:#,0} numbers drawn", null, gaps, "holes", null, null, 0, null, null, null));
        progress.Add("lifecycle  sequence holes").Done($"lifecycle  {gaps:#,0} sequence holes ({missing:#,0} numbers) over {lastSequence - firstSequence:#,0} drawn");

        // Per command and level: {command: {c=N: {count, p50, p99, ...}}}.
        var byCommand = Commands.ToDictionary(
            c => c,
            c => (object)levels.Where(l => l.ByOperation.ContainsKey(c)).ToDictionary(l => $"c={l.Concurrency}", l => l.ByOperation[c]),
            StringComparer.Ordinal);
        return new ScenarioResult(Name, Title, rows, [], [.. levels.SelectMany(l => l.Errors)], new Dictionary<string, object>(StringComparer.Ordinal) { ["byCommand"] = byCommand });
    }

    private static async Task OneCaseAsync(BenchContext context, AppealFactory factory, WorkerLog log, CancellationToken ct)
    {
        var http = context.Http;
        var random = factory.Random;
        var appeal = factory.Next();
        if (await http.PostAsync(log, "intake", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, ct) is not { } filed)
        {
            return;
        }

        var caseId = Text(filed, "caseId");
        var path = $"/api/cases/{caseId}/";
        var microGrid = context.Catalog.MicroGrids.First(m => m.Id == appeal.MicroGridId);
        var worker = Actor.GridWorker(Text(filed, "currentNodeId") ?? microGrid.Id);
        if (!log.KeepGoing || await http.PostAsync(log, "acknowledge", path + "acknowledge", BenchHttp.Body(new { note = "已电话联系来电人，当天上门核实。" }), worker, ct) is null)
        {
            return;
        }

        var resolver = worker;
        if (random.NextDouble() < EscalatedShare)
        {
            if (!log.KeepGoing || await http.PostAsync(log, "escalate", path + "escalate", BenchHttp.Body(new { reason = "需要职能部门协同处置，上报网格长。" }), worker, ct) is not { } escalated)
            {
                return;
            }

            var gridHead = Actor.Coordinator(Text(escalated, "currentNodeId") ?? microGrid.GridId);
            if (!log.KeepGoing || await http.PostAsync(log, "acknowledge", path + "acknowledge", BenchHttp.Body(new { }), gridHead, ct) is null)
            {
                return;
            }

            var department = context.Catalog.DepartmentFor(appeal.Category, random);
            var body = BenchHttp.Body(new { departmentId = department.Id, instructions = "请于规定时限内到现场处置并反馈结果。" });
            if (!log.KeepGoing || await http.PostAsync(log, "dispatch", path + "dispatch", body, gridHead, ct) is not { } dispatched
                || PendingDispatch(dispatched, department.Id) is not { } dispatchId)
            {
                return;
            }

            resolver = Actor.Department(department.Id);
            if (!log.KeepGoing || await http.PostAsync(log, "accept", $"{path}dispatches/{dispatchId}/accept", BenchHttp.Body(new { }), resolver, ct) is null)
            {
                return;
            }
        }

        if (!log.KeepGoing || await http.PostAsync(log, "resolve", path + "resolve", BenchHttp.Body(new { resolution = "已现场处置完毕，来电人反映的问题已解决。" }), resolver, ct) is null)
        {
            return;
        }

        var satisfied = random.NextDouble() < SatisfiedShare;
        var feedback = BenchHttp.Body(new { satisfied, score = satisfied ? random.Next(4, 6) : random.Next(1, 3), comment = satisfied ? "处理及时，满意。" : "问题仍然存在。" });
        if (!log.KeepGoing || await http.PostAsync(log, "feedback", path + "feedback", feedback, Actor.Agent, ct) is null || satisfied)
        {
            return;
        }

        // Reopened (返工): back to whoever resolved it, resolved again and closed by verification.
        if (!log.KeepGoing || await http.PostAsync(log, "resolve", path + "resolve", BenchHttp.Body(new { resolution = "二次上门处置，已签订协议。" }), resolver, ct) is null)
        {
            return;
        }

        if (log.KeepGoing)
        {
            await http.PostAsync(log, "close", path + "close", BenchHttp.Body(new { note = "电话回访核实，已办结。" }), Actor.Coordinator("sc"), ct);
        }
    }

    public static string? Text(byte[] json, string property)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    public static string? PendingDispatch(byte[] caseView, string departmentId)
    {
        using var document = JsonDocument.Parse(caseView);
        if (!document.RootElement.TryGetProperty("dispatches", out var dispatches))
        {
            return null;
        }

        return dispatches.EnumerateArray()
            .Where(d => d.GetProperty("departmentId").GetString() == departmentId && d.GetProperty("status").GetString() == "pending")
            .Select(d => d.GetProperty("dispatchId").GetString())
            .LastOrDefault();
    }
}
