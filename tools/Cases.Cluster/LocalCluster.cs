namespace Cases.Cluster;

/// <summary>
/// Several API nodes on one database behind one proxy. The first node starts alone (it creates the schema and seeds the
/// demo data), the others then join it; each is a process of its own.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private LocalCluster(IReadOnlyList<NodeProcess> nodes, ClusterProxy proxy)
    {
        Nodes = nodes;
        Proxy = proxy;
    }

    public IReadOnlyList<NodeProcess> Nodes { get; }

    public ClusterProxy Proxy { get; }

    /// <param name="settings">Every node's configuration as environment variables; the connection string among them.</param>
    /// <param name="proxyPort">Zero for any free port.</param>
    public static async Task<LocalCluster> StartAsync(int nodeCount, IReadOnlyDictionary<string, string> settings, int proxyPort, string logFolder,
        Action<string> log, CancellationToken ct = default)
    {
        // One signing key for all: a demo node makes its own at random, and a token from one would be refused by the others.
        var shared = new Dictionary<string, string>(settings);
        shared.TryAdd("Cases__Auth__SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        settings = shared;
        var nodes = new List<NodeProcess>();
        try
        {
            for (var i = 1; i <= nodeCount; i++)
            {
                nodes.Add(NodeProcess.Start($"node{i}", NodeProcess.FreePort(), settings, logFolder, log));
                if (i == 1)
                {
                    await nodes[0].WaitReadyAsync(TimeSpan.FromMinutes(3), ct);
                }
            }

            await Task.WhenAll(nodes.Skip(1).Select(n => n.WaitReadyAsync(TimeSpan.FromMinutes(3), ct)));
            var proxy = await ClusterProxy.StartAsync(proxyPort == 0 ? NodeProcess.FreePort() : proxyPort, nodes);
            return new LocalCluster(nodes, proxy);
        }
        catch
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        // In parallel, as a rolling stop would not be: each drains and hands its agents to whoever is still up.
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
    }
}
