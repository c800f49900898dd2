using System.Diagnostics;

namespace Cases.Bench.Infrastructure;

/// <summary>Exact latency percentiles (nearest rank over the sorted samples), in milliseconds.</summary>
public sealed record LatencyStats(long Count, double P50, double P99, double Mean, double Max)
{
    public static LatencyStats From(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0);
        }

        samples.Sort();
        double Rank(double p) => samples[Math.Clamp((int)Math.Ceiling(p * samples.Count) - 1, 0, samples.Count - 1)];
        return new LatencyStats(samples.Count, Rank(0.50), Rank(0.99), samples.Average(), samples[^1]);
    }
}

/// <summary>One failed operation kind: how often, and what the first one said.</summary>
public sealed record ErrorCount(string Operation, string Status, long Count, string Sample);

/// <summary>One worker's own record of what it did: no locks on the hot path; merged when the level ends.</summary>
public sealed class WorkerLog(Stopwatch clock, TimeSpan duration)
{
    public Dictionary<string, List<double>> Latencies { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Operation, string Status), (long Count, string Sample)> Errors { get; } = [];

    /// <summary>True while the level's time has not run out.</summary>
    public bool KeepGoing => clock.Elapsed < duration;

    public void Ok(string operation, double milliseconds)
    {
        if (!Latencies.TryGetValue(operation, out var list))
        {
            Latencies[operation] = list = new List<double>(4096);
        }

        list.Add(milliseconds);
    }

    public void Error(string operation, string status, string sample)
    {
        var key = (operation, status);
        Errors[key] = Errors.TryGetValue(key, out var seen) ? (seen.Count + 1, seen.Sample) : (1, sample.Length > 400 ? sample[..400] : sample);
    }
}

/// <summary>What one concurrency level measured.</summary>
public sealed record LevelResult(
    int Concurrency,
    double Seconds,
    long Operations,
    double PerSecond,
    LatencyStats Latency,
    IReadOnlyDictionary<string, LatencyStats> ByOperation,
    IReadOnlyList<ErrorCount> Errors,
    ResourceUsage? Resources)
{
    public long ErrorTotal => Errors.Sum(e => e.Count);
}

/// <summary>A closed loop: a fixed number of workers, each looping for a fixed time, every operation timed.</summary>
public static class LoadRunner
{
    public static async Task<LevelResult> RunAsync(
        int concurrency,
        TimeSpan duration,
        Func<int, WorkerLog, CancellationToken, Task> worker,
        Action<double> progress,
        Func<ResourceMonitor>? monitor,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var logs = Enumerable.Range(0, concurrency).Select(_ => new WorkerLog(clock, duration)).ToArray();
        await using var resources = monitor?.Invoke();
        var tasks = logs.Select((log, i) => Task.Run(() => worker(i, log, cancellationToken), cancellationToken)).ToArray();
        var all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            progress(Math.Min(1.0, clock.Elapsed / duration));
            await Task.WhenAny(all, Task.Delay(100, cancellationToken));
        }

        await all;
        var seconds = clock.Elapsed.TotalSeconds;
        var usage = resources is null ? null : await resources.StopAsync();
        progress(1.0);

        var byOperation = logs.SelectMany(l => l.Latencies)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => LatencyStats.From(g.SelectMany(kv => kv.Value).ToList()), StringComparer.Ordinal);
        var merged = LatencyStats.From(logs.SelectMany(l => l.Latencies.Values).SelectMany(v => v).ToList());
        var errors = logs.SelectMany(l => l.Errors)
            .GroupBy(kv => kv.Key)
            .Select(g => new ErrorCount(g.Key.Operation, g.Key.Status, g.Sum(kv => kv.Value.Count), g.First().Value.Sample))
            .OrderByDescending(e => e.Count)
            .ToList();
        return new LevelResult(concurrency, seconds, merged.Count, merged.Count / seconds, merged, byOperation, errors, usage);
    }
}
