using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Memory: the API process's peak working set while intake ran, from the intake levels' samples of VmRSS
/// (every 50 ms) and the kernel's high-water mark VmHWM (which also covers start-up and warm-up). The target
/// (issue 12: under 400 MB during the whole benchmark) is checked at the end of the run by <see cref="OverTheRun"/>,
/// over every measured window of every scenario, the API's restarts included; the intake's rows stay for comparison
/// with earlier runs, which checked the intake alone (against 500 MB) and so missed the clocks' filing.
/// </summary>
public sealed class MemoryScenario : IScenario
{
    public const double TargetMb = 400;

    /// <summary>The scenario's name, which the runner looks for to add <see cref="OverTheRun"/>.</summary>
    public const string Key = "memory";

    private const string RunName = "memory-run";
    private const string RunTitle = "Memory (API process) over the whole run";

    public string Name => Key;

    public string Title => "Memory (API process)";

    public Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var line = progress.Add("memory     (from intake)");
        var intake = context.Results.FirstOrDefault(r => r.Name == "intake");
        var usages = intake?.Rows.Select(r => r.Resources).OfType<ResourceUsage>().ToList() ?? [];
        var sampled = usages.Select(u => u.ApiPeakRssMb).OfType<double>().DefaultIfEmpty(double.NaN).Max();
        var hwm = usages.Select(u => u.ApiHwmMb).OfType<double>().DefaultIfEmpty(double.NaN).Max();
        var peak = double.IsNaN(hwm) ? sampled : double.IsNaN(sampled) ? hwm : Math.Max(sampled, hwm);
        var rows = new List<ResultRow>
        {
            new("peak RSS sampled during intake", null, sampled, "MB", null, null, 0, null, null, null),
            new("VmHWM after intake", null, hwm, "MB", null, null, 0, null, null, null),
        };
        if (context.ApiStartRssMb is { } idle)
        {
            rows.Insert(0, new ResultRow("RSS once started, idle", null, idle, "MB", null, null, 0, null, null, null));
        }

        line.Done($"memory     peak during intake {peak:0} MB (VmHWM {hwm:0} MB, sampled RSS {sampled:0} MB)");
        return Task.FromResult(new ScenarioResult(Name, Title, rows, [], []));
    }

    /// <summary>
    /// The API's peak working set over the whole run: the largest VmRSS sample or VmHWM of any measured window of any
    /// scenario, with where it happened. Added by the runner after the last scenario when the memory scenario ran.
    /// </summary>
    public static ScenarioResult OverTheRun(IReadOnlyList<ScenarioResult> results)
    {
        var peaks = results
            .SelectMany(result => result.Rows.Select(row => (result, row)))
            .Where(x => x.row.Resources is not null)
            .Select(x => (x.result, x.row, mb: Math.Max(x.row.Resources!.ApiPeakRssMb ?? 0, x.row.Resources.ApiHwmMb ?? 0)))
            .Where(x => x.mb > 0)
            .ToList();
        var goal = $"< {TargetMb:0} MB during the whole run";
        if (peaks.Count == 0)
        {
            var missing = new TargetCheck(Key, goal, "not measured (no /proc for the API process)", false);
            return new ScenarioResult(RunName, RunTitle, [], [missing], []);
        }

        var top = peaks.MaxBy(x => x.mb);
        var where = $"{top.result.Title}, {top.row.Label}";
        var rows = new List<ResultRow>
        {
            new($"peak working set over every measured window (at: {where})", null, top.mb, "MB", null, null, 0, null, null, null),
        };
        foreach (var (title, mb) in peaks.GroupBy(x => x.result.Title).Select(g => (g.Key, g.Max(x => x.mb))))
        {
            rows.Add(new ResultRow($"peak during: {title}", null, mb, "MB", null, null, 0, null, null, null));
        }

        var target = new TargetCheck(Key, goal, $"{top.mb:0} MB at its peak ({where})", top.mb < TargetMb);
        return new ScenarioResult(RunName, RunTitle, rows, [target], []);
    }
}
