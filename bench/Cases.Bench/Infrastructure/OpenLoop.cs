using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cases.Bench.Infrastructure;

/// <summary>What an open-loop run sent, what answered, and how late the sender fell behind its schedule.</summary>
public sealed record OpenLoopResult(
    double Seconds,
    long Scheduled,
    long Sent,
    long Skipped,
    long Succeeded,
    LatencyStats Latency,
    IReadOnlyDictionary<string, LatencyStats> ByOperation,
    IReadOnlyList<ErrorCount> Errors,
    ResourceUsage? Resources)
{
    public long ErrorTotal => Errors.Sum(e => e.Count);
}

/// <summary>
/// An open loop: requests start on a fixed schedule (a rate), whether or not earlier ones have answered, so a slow
/// service builds a queue instead of slowing the load down. At most <c>maxInFlight</c> run at once; a request due
/// while that many are outstanding is skipped and counted (the service could not keep up).
/// </summary>
public static class OpenLoop
{
    public static async Task<OpenLoopResult> RunAsync(
        double perSecond,
        TimeSpan duration,
        int maxInFlight,
        Func<long, WorkerLog, CancellationToken, Task> operation,
        Action<double> progress,
        Func<ResourceMonitor>? monitor,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var pool = new ConcurrentBag<WorkerLog>();
        var all = new ConcurrentBag<WorkerLog>();
        var running = new ConcurrentDictionary<long, Task>();
        long inFlight = 0, sent = 0, skipped = 0, scheduled = 0;
        await using var resources = monitor?.Invoke();
        var total = (long)Math.Round(perSecond * duration.TotalSeconds);
        while (scheduled < total)
        {
            ct.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * perSecond) + 1);
            for (; scheduled < due; scheduled++)
            {
                if (Interlocked.Read(ref inFlight) >= maxInFlight)
                {
                    skipped++;
                    continue;
                }

                if (!pool.TryTake(out var log))
                {
                    log = new WorkerLog(clock, TimeSpan.MaxValue);
                    all.Add(log);
                }

                Interlocked.Increment(ref inFlight);
                sent++;
                var index = scheduled;
                running[index] = Task.Run(async () =>
                {
                    try
                    {
                        await operation(index, log, ct);
                    }
                    finally
                    {
                        pool.Add(log);
                        Interlocked.Decrement(ref inFlight);
                        running.TryRemove(index, out _);
                    }
                }, ct);
            }

            progress(Math.Min(1.0, clock.Elapsed / duration));
            await Task.Delay(2, ct);
        }

        await Task.WhenAll(running.Values);
        var seconds = clock.Elapsed.TotalSeconds;
        var usage = resources is null ? null : await resources.StopAsync();
        progress(1.0);
        var logs = all.ToList();
        var byOperation = logs.SelectMany(l => l.Latencies)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => LatencyStats.From(g.SelectMany(kv => kv.Value).ToList()), StringComparer.Ordinal);
        var merged = LatencyStats.From(logs.SelectMany(l => l.Latencies.Values).SelectMany(v => v).ToList());
        var errors = logs.SelectMany(l => l.Errors)
            .GroupBy(kv => kv.Key)
            .Select(g => new ErrorCount(g.Key.Operation, g.Key.Status, g.Sum(kv => kv.Value.Count), g.First().Value.Sample))
            .OrderByDescending(e => e.Count)
            .ToList();
        return new OpenLoopResult(seconds, total, sent, skipped, merged.Count, merged, byOperation, errors, usage);
    }
}
