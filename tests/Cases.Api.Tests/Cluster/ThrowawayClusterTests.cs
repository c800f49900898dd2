using Cases.LocalDatabase;

namespace Cases.Api.Tests.Cluster;

/// <summary>Throwaway clusters a killed process left behind are swept; one that runs, or is being set up, is not.</summary>
public sealed class ThrowawayClusterTests
{
    [Fact]
    public void Abandoned_throwaway_clusters_are_swept_and_live_or_fresh_ones_are_kept()
    {
        var root = Directory.CreateTempSubdirectory("cases-sweep-").FullName;
        try
        {
            var stopped = Cluster(root, "stopped", pid: null, age: TimeSpan.FromHours(1));
            var killed = Cluster(root, "killed", pid: int.MaxValue, age: TimeSpan.FromHours(1));
            var running = Cluster(root, "running", pid: Environment.ProcessId, age: TimeSpan.FromHours(1));
            var fresh = Cluster(root, "fresh", pid: null, age: TimeSpan.Zero);
            var other = Directory.CreateDirectory(Path.Combine(root, "not-a-cluster")).FullName;
            Directory.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddHours(-1));
            var log = new List<string>();

            var removed = EmbeddedPostgres.SweepAbandoned(root, TimeSpan.FromMinutes(10), log.Add);

            Assert.Equal(2, removed);
            Assert.False(Directory.Exists(stopped));
            Assert.False(Directory.Exists(killed));
            Assert.True(Directory.Exists(running));
            Assert.True(Directory.Exists(fresh));
            Assert.True(Directory.Exists(other));
            Assert.Equal(2, log.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Cluster(string root, string name, int? pid, TimeSpan age)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, $"cases-pg-{name}")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "base"));
        File.WriteAllText(Path.Combine(folder, "PG_VERSION"), "15\n");
        if (pid is { } id)
        {
            File.WriteAllLines(Path.Combine(folder, "postmaster.pid"), [id.ToString(System.Globalization.CultureInfo.InvariantCulture), folder, "0", "5432"]);
        }

        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
        return folder;
    }
}
