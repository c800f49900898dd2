using Cases.Cluster;
using Cases.LocalDatabase;
using Xunit.Abstractions;

namespace Cases.Api.Tests.Cluster;

/// <summary>
/// The short chaos run: three node processes behind the YARP proxy on a private PostgreSQL, under a steady lifecycle load;
/// one node is killed with SIGKILL and brought back, and PostgreSQL is restarted. Nothing accepted may be lost or doubled.
/// The long run, with its figures, is the benchmark's <c>chaos</c> scenario.
/// It runs alone, after the other tests: three node processes and the load fill both cores, and the tests that time clocks
/// missed their deadlines beside it.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_node_and_a_database_restart_lose_nothing_and_double_nothing()
    {
        void Log(string line)
        {
            Console.WriteLine($"[chaos] {line}");
            output.WriteLine(line);
        }

        await using var postgres = await EmbeddedPostgres.StartAsync(null, Log);
        var connectionString = postgres.ConnectionString("cases");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cases"] = connectionString,
            ["Cases__Demo"] = "true",
            ["Cases__DrainDelay"] = "00:00:01",
            ["Cases__RateLimit__Burst"] = Support.TestHosts.Unthrottled,
            ["Cases__RateLimit__PerSecond"] = Support.TestHosts.Unthrottled,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var logs = Path.Combine(Path.GetTempPath(), $"cases-chaos-{Guid.NewGuid():N}");
        await using var cluster = await LocalCluster.StartAsync(3, settings, 0, logs, Log);

        var report = await ChaosRun.RunAsync(cluster, connectionString, TimeSpan.FromSeconds(30), workers: 6,
            restartDatabase: async () =>
            {
                await postgres.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
                await postgres.StartAgainAsync();
            },
            verifyProjections: () => ProjectionsVerify.RunAsync(connectionString, Log), Log);
        Log(report.ToString());
        foreach (var kind in report.ErrorKinds)
        {
            Log(kind);
        }

        Assert.True(report.AppealsAccepted > 20, $"The load filed only {report.AppealsAccepted} appeals.");
        Assert.Equal(0, report.AppealsMissing);
        Assert.Equal(0, report.AppealsDuplicated);
        Assert.True(report.ClockStagesFired > 0, "No clock fired during the run.");
        Assert.Equal(0, report.ClockStagesFiredTwice);
        // A clock the killed node had claimed moves to the others once they judge it dead, and one a live node claimed but
        // lost moves after Distribution.InboxStaleTime; each unacknowledged case's clock acts within the run's two minutes.
        Log($"clock expiries late by p99 {report.ClockExpiryLatenessP99Seconds:0.0} s, at most {report.ClockExpiryLatenessMaxSeconds:0.0} s");
        Log($"unacknowledged cases whose clock has not acted: {report.UnacknowledgedCasesWithoutClock}");
        foreach (var stranded in report.StrandedClocks)
        {
            Log(stranded);
        }

        Assert.True(report.UnacknowledgedCasesWithoutClock == 0,
            $"{report.UnacknowledgedCasesWithoutClock} unacknowledged cases' clocks never acted: {string.Join(" | ", report.StrandedClocks)}");
        // Every node served the run's limits before the load began (ChaosLoad.PrepareAsync waits for it).
        Assert.Equal(0, report.AppealsWithTheOldLimit);
        Assert.Equal(0, report.OverdueTimers);
        Assert.Equal(0, report.WebhooksPending);
        Assert.True(report.ProjectionsVerified, "projections verify found a difference.");
        // The clients may see 502/503 while a node dies or the database restarts, never a 500.
        Assert.DoesNotContain(report.ErrorKinds, k => k.Contains(": 500", StringComparison.Ordinal));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos, alone";
}
