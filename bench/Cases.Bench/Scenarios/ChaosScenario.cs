using System.Diagnostics;
using Cases.Cluster;
using Cases.LocalDatabase;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Several nodes, one truth. First the throughput of one node and of three behind the YARP proxy, under the same load
/// (on one machine the nodes, the proxy, PostgreSQL and the load share its cores, so this shows the cost and the
/// headroom of the cluster, not its gain on separate servers). Then the chaos: under that load through the proxy, a node
/// is killed with SIGKILL and brought back, PostgreSQL is restarted, and the run checks that nothing was lost or doubled.
/// It runs on a private PostgreSQL of its own (it restarts it) and only when asked for: <c>--only chaos</c>.
/// </summary>
public sealed class ChaosScenario : IScenario
{
    public const string Key = "chaos";

    private const int Workers = 16;

    public string Name => Key;

    /// <summary>It restarts a PostgreSQL of its own and takes minutes: only with --only chaos.</summary>
    public bool InDefaultRun(BenchProfile profile) => false;

    public string Title => "Cluster: one node against three behind a proxy, and chaos (kill -9 a node, restart PostgreSQL)";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var quick = context.Profile.IsQuick;
        var measure = quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(60);
        var chaosDuration = quick ? TimeSpan.FromSeconds(45) : TimeSpan.FromMinutes(5);
        var log = new List<string>();
        await using var postgres = await EmbeddedPostgres.StartAsync(null, log.Add, context.CancellationToken);
        var connectionString = postgres.ConnectionString("cases");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cases"] = connectionString,
            ["Cases__Demo"] = "true",
            ["Cases__DrainDelay"] = "00:00:01",
            ["Cases__RateLimit__Burst"] = "10000000",
            ["Cases__RateLimit__PerSecond"] = "10000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var logs = Path.Combine(Path.GetTempPath(), $"cases-bench-cluster-{Guid.NewGuid():N}");
        var rows = new List<ResultRow>();

        foreach (var nodes in new[] { 1, 3 })
        {
            var line = progress.Add($"chaos      {nodes} node(s) behind the proxy: {Workers} clients for {measure.TotalSeconds:0} s");
            await using var cluster = await LocalCluster.StartAsync(nodes, settings, 0, logs, log.Add, context.CancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(cluster.Proxy.Url), Timeout = TimeSpan.FromSeconds(30) };
            var ledger = new ChaosLedger();
            var load = new ChaosLoad(http, ledger, Stopwatch.StartNew());
            await load.PrepareAsync("PT1H", [.. cluster.Nodes.Select(n => n.Url)], context.CancellationToken);
            using var stop = new CancellationTokenSource(measure);
            var watch = Stopwatch.StartNew();
            await load.RunAsync(Workers, stop.Token);
            var perSecond = ledger.Filed.Count / watch.Elapsed.TotalSeconds;
            rows.Add(new ResultRow($"appeals/s through the proxy, {nodes} node(s) (file; half acknowledged)", Workers, perSecond, "appeals/s", null, null, ledger.Errors.Count, null, null, null));
            rows.Add(new ResultRow($"requests/s through the proxy, {nodes} node(s)", Workers, ledger.Requests / watch.Elapsed.TotalSeconds, "req/s", null, null, ledger.Errors.Count, null, null, null));
            line.Done($"chaos      {nodes} node(s): {perSecond:0} appeals/s, {ledger.Requests / watch.Elapsed.TotalSeconds:0} requests/s, {ledger.Errors.Count} errors");
        }

        var chaosLine = progress.Add($"chaos      three nodes, {chaosDuration.TotalSeconds:0} s of load: kill -9 a node, bring it back, restart PostgreSQL");
        ChaosReport report;
        await using (var cluster = await LocalCluster.StartAsync(3, settings, 0, logs, log.Add, context.CancellationToken))
        {
            report = await ChaosRun.RunAsync(cluster, connectionString, chaosDuration, Workers / 2,
                restartDatabase: async () =>
                {
                    await postgres.StopAsync();
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    await postgres.StartAgainAsync();
                },
                verifyProjections: () => ProjectionsVerify.RunAsync(connectionString, log.Add), log.Add, context.CancellationToken);
        }

        rows.Add(new ResultRow("requests served during the chaos", Workers / 2, report.Requests, "requests", null, null, report.ClientErrors, null, null, null));
        rows.Add(new ResultRow("appeals accepted (201)", null, report.AppealsAccepted, "appeals", null, null, 0, null, null, null));
        rows.Add(new ResultRow("appeals lost", null, report.AppealsMissing, "appeals", null, null, 0, null, null, null));
        rows.Add(new ResultRow("appeals doubled", null, report.AppealsDuplicated, "appeals", null, null, 0, null, null, null));
        rows.Add(new ResultRow("clock stages fired", null, report.ClockStagesFired, "stages", null, null, 0, null, null, null));
        rows.Add(new ResultRow("clock stages fired twice", null, report.ClockStagesFiredTwice, "stages", null, null, 0, null, null, null));
        rows.Add(new ResultRow("clock expiries' lateness, p99", null, report.ClockExpiryLatenessP99Seconds, "s", null, null, 0, null, null, null));
        rows.Add(new ResultRow("clock expiries' lateness, max (a killed node's claimed clocks wait for failover)", null, report.ClockExpiryLatenessMaxSeconds, "s", null, null, 0, null, null, null));
        rows.Add(new ResultRow("client errors (all retried)", null, report.ClientErrors, "answers", null, null, 0, null, null, null));
        rows.Add(new ResultRow("seconds in which clients saw errors", null, report.SecondsWithClientErrors, "s", null, null, 0, null, null, null));
        rows.Add(new ResultRow("projections caught up after the load", null, report.ProjectionsCaughtUpAfter.TotalSeconds, "s", null, null, 0, null, null, null));
        rows.Add(new ResultRow($"webhook deliveries still pending ({report.WebhooksDelivered} delivered, {report.WebhooksDeadLettered} dead-lettered)", null, report.WebhooksPending, "pending",
            null, null, 0, null, null, null));
        var passed = report.AppealsMissing == 0 && report.AppealsDuplicated == 0 && report.ClockStagesFiredTwice == 0 && report.ProjectionsVerified
            && report.UnacknowledgedCasesWithoutClock == 0 && report.WebhooksPending == 0;
        var target = new TargetCheck(Name, "nothing lost, doubled or fired twice; projections verify exact",
            $"lost {report.AppealsMissing}, doubled {report.AppealsDuplicated}, fired twice {report.ClockStagesFiredTwice}, verify {(report.ProjectionsVerified ? "exact" : "DIFFERS")}", passed);
        chaosLine.Done($"chaos      {report.AppealsAccepted} appeals, lost {report.AppealsMissing}, doubled {report.AppealsDuplicated}; {report.ClockStagesFired} clock stages, twice {report.ClockStagesFiredTwice}, latest {report.ClockExpiryLatenessMaxSeconds:0.0} s late; " +
            $"{report.ClientErrors} client errors over {report.SecondsWithClientErrors} s; caught up in {report.ProjectionsCaughtUpAfter.TotalSeconds:0.0} s; verify {(report.ProjectionsVerified ? "exact" : "DIFFERS")}");
        return new ScenarioResult(Name, Title, rows, [target], [], new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["report"] = report,
            ["errorKinds"] = report.ErrorKinds,
            ["log"] = log.TakeLast(40).ToList(),
        });
    }
}
