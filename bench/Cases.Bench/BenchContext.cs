using Cases.Bench.Infrastructure;
using Cases.Bench.Scenarios;

namespace Cases.Bench;

/// <summary>The single-row INSERT ceiling of the same database in the same run, per concurrency level.</summary>
public sealed record Baseline(IReadOnlyDictionary<int, LevelResult> ByConcurrency)
{
    /// <summary>The best rows/s over all levels: the machine's PostgreSQL ceiling for one-row transactions.</summary>
    public LevelResult Ceiling => ByConcurrency.Values.MaxBy(l => l.PerSecond)!;

    public double? PerSecondAt(int concurrency) => ByConcurrency.TryGetValue(concurrency, out var level) ? level.PerSecond : null;
}

/// <summary>What every scenario gets: the API over HTTP, the database, the profile, and what ran before it.</summary>
public sealed class BenchContext(
    BenchOptions options,
    BenchDatabase database,
    ServerSettings settings,
    ApiProcess api,
    BenchHttp http,
    Catalog catalog,
    CancellationToken cancellationToken)
{
    public BenchOptions Options { get; } = options;

    public BenchProfile Profile => Options.Profile;

    public BenchDatabase Database { get; } = database;

    public ServerSettings Settings { get; } = settings;

    public ApiProcess Api { get; } = api;

    public BenchHttp Http { get; } = http;

    public Catalog Catalog { get; } = catalog;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The API's resident set once it answered /health, before any load: what the process costs idle.</summary>
    public double? ApiStartRssMb { get; init; }

    /// <summary>Set by <see cref="BaselineScenario"/>; null until it has run.</summary>
    public Baseline? Baseline { get; set; }

    /// <summary>The results so far, in run order, for scenarios that report on an earlier one (memory during intake).</summary>
    public List<ScenarioResult> Results { get; } = [];

    private int? PostmasterPid { get; } = ProcStats.PostmasterPid(settings.DataDirectory);

    /// <summary>A fresh monitor of the API's memory and of the CPU split between the API, PostgreSQL and the bench.</summary>
    public ResourceMonitor Monitor() => new(Api.HasExited ? null : Api.Pid, PostmasterPid);

    /// <summary>The same, for another child process (the API's command line), reported in the API's column.</summary>
    public ResourceMonitor MonitorProcess(int pid) => new(pid, PostmasterPid);

    /// <summary>
    /// Waits (at most 10 s) until the API process is idle, below 0.05 cores over half a second, so that the
    /// background work a scenario leaves behind (tiered JIT, GC, Wolverine's agents) does not land on the next one.
    /// </summary>
    public async Task SettleAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !Api.HasExited && ProcStats.CpuSeconds(Api.Pid) is { } before)
        {
            await Task.Delay(500, CancellationToken);
            if (ProcStats.CpuSeconds(Api.Pid) is not { } after || (after - before) / 0.5 < 0.05)
            {
                return;
            }
        }
    }

    /// <summary>The same-run baseline's rows/s at this concurrency, and the ratio of a figure to it.</summary>
    public (double? Baseline, double? Ratio) RatioAt(int concurrency, double perSecond) =>
        Baseline?.PerSecondAt(concurrency) is { } b && b > 0 ? (b, perSecond / b) : (null, null);
}
