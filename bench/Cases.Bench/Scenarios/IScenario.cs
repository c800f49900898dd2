using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// One thing the benchmark measures. A new measurement (clocks, projection lag, rebuild, metrics queries,
/// deliveries, verification) is a new class in Scenarios/ and one line in <see cref="ScenarioList"/>.
/// </summary>
public interface IScenario
{
    /// <summary>A short stable key, used in the JSON ("baseline", "intake", ...).</summary>
    string Name { get; }

    /// <summary>What the reader sees in the tables.</summary>
    string Title { get; }

    Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress);

    /// <summary>
    /// Whether a run without <c>--only</c> includes it. A long measurement outside a profile's default run (the chaos
    /// run everywhere, the growth to 5M events in the quick profile) runs only when named in <c>--only</c>.
    /// </summary>
    bool InDefaultRun(BenchProfile profile) => true;
}

/// <summary>The progress display, as the scenarios see it: one line per step (typically one per concurrency level).</summary>
public interface IBenchProgress
{
    IProgressLine Add(string description);
}

public interface IProgressLine
{
    /// <summary>How far the step has got, from 0 to 1.</summary>
    void Report(double fraction);

    /// <summary>The step is over; the summary replaces its description.</summary>
    void Done(string summary);
}

/// <summary>One line of a scenario's table: a figure, its latencies where it has them, and its ratio to the baseline.</summary>
public sealed record ResultRow(
    string Label,
    int? Concurrency,
    double Value,
    string Unit,
    double? P50Ms,
    double? P99Ms,
    long Errors,
    double? BaselinePerSecond,
    double? Ratio,
    ResourceUsage? Resources);

/// <summary>A target from the issue and whether this run met it.</summary>
public sealed record TargetCheck(string Scenario, string Target, string Measured, bool Passed);

public sealed record ScenarioResult(
    string Name,
    string Title,
    IReadOnlyList<ResultRow> Rows,
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<ErrorCount> Errors,
    IReadOnlyDictionary<string, object>? Details = null)
{
    public long ErrorTotal => Errors.Sum(e => e.Count);
}

/// <summary>The scenarios in the order they run. The baseline comes first: every later ratio divides by it.</summary>
public static class ScenarioList
{
    public static IReadOnlyList<IScenario> All() =>
    [
        new BaselineScenario(),
        new IntakeScenario(),
        new MemoryScenario(),
        new LifecycleScenario(),
        new ProjectionLagScenario(),
        new ClocksScenario(),
        new ClockBurstScenario(),
        new DeliveryScenario(),

        // These two change the database (a big generated store, a rebuild, the API restarted): they go last.
        new RebuildScenario(),
        new MetricsQueriesScenario(),

        // The rebuild and the metrics again on a store five times as big, with the ratios (full profile; quick: --only ...,growth).
        new GrowthScenario(),

        // Last: its cost comparison switches the chain off for a while, which leaves unlinked events behind.
        new ChainScenario(),

        // Only with --only chaos: a cluster of its own on a private PostgreSQL.
        new ChaosScenario(),
    ];
}
