using Cases.Cluster;
using Cases.LocalDatabase;

namespace Cases.Cli;

/// <summary>
/// <c>cluster [NODES]</c>: three (or NODES) API nodes, each a process of its own, on the local database, behind a YARP
/// reverse proxy on <c>--urls</c> (5080 by default). Ctrl+C or SIGTERM drains the nodes, then stops the proxy and the
/// embedded PostgreSQL. Node logs go to <c>.data/cluster/</c>.
/// </summary>
public static class ClusterCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        var nodeCount = args is [var first, ..] && int.TryParse(first, out var n) && n is > 0 and <= 16 ? n : 3;
        var builder = LocalHost.CreateBuilder(args.SkipWhile(a => int.TryParse(a, out _)).ToArray());
        var proxyUrl = new Uri((builder.Configuration["urls"] ?? "http://127.0.0.1:5080").Split(';')[0]);
        await using var lease = await builder.UseLocalDatabaseAsync();
        stop.ThrowIfCancellationRequested();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cases"] = lease.ConnectionString,
            ["Cases__Demo"] = "true",
            // Long enough for the proxy's one-second probe to take a stopping node out before it stops listening.
            ["Cases__DrainDelay"] = "00:00:02",
        };
        foreach (var telemetry in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "Cases__Telemetry__OtlpEndpoint" })
        {
            if (Environment.GetEnvironmentVariable(telemetry) is { Length: > 0 } value)
            {
                settings[telemetry] = value;
            }
        }

        var logs = Path.Combine(Path.GetDirectoryName(DataFolders.Default())!, "cluster");
        Console.WriteLine($"[cases] Starting {nodeCount} nodes (the first alone: it migrates and seeds) ...");
        await using var cluster = await LocalCluster.StartAsync(nodeCount, settings, proxyUrl.Port, logs, line => Console.WriteLine($"[cases] {line}"), stop);
        foreach (var node in cluster.Nodes)
        {
            Console.WriteLine($"[cases] Node {node.Name}: {node.Url}  (log: {node.LogFile})");
        }

        Console.WriteLine($"[cases] Proxy (YARP, round robin over ready nodes): {cluster.Proxy.Url}  (API docs: {cluster.Proxy.Url}/docs)");
        Console.WriteLine("[cases] Ctrl+C stops the nodes, the proxy and the embedded PostgreSQL.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("[cases] Stopping: the nodes drain and hand over their work ...");
        }

        return 0;
    }
}
