using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Memory: the API process's peak working set while intake ran, from the intake levels' samples of VmRSS
/// (every 50 ms) and the kernel's high-water mark VmHWM (which also covers start-up and warm-up, so it is the
/// conservative figure the target is checked against).
/// </summary>
public sealed class MemoryScenario : IScenario
{
    public const double TargetMb = 500;

    public string Name => "memory";

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

        var target = double.IsNaN(peak)
            ? new TargetCheck(Name, $"< {TargetMb:0} MB", "not measured (no /proc for the API process)", false)
            : new TargetCheck(Name, $"< {TargetMb:0} MB", $"{peak:0} MB", peak < TargetMb);
        line.Done($"memory     peak {peak:0} MB (VmHWM {hwm:0} MB, sampled RSS {sampled:0} MB)");
        return Task.FromResult(new ScenarioResult(Name, Title, rows, [target], []));
    }
}
