using System.Diagnostics;

namespace Cases.Bench.Infrastructure;

/// <summary>
/// Where the CPU went while a scenario ran (in cores: CPU seconds over wall seconds), and the API's memory.
/// <see cref="StolenCores"/> is the hypervisor's steal time: cores this virtual machine wanted and did not get.
/// </summary>
public sealed record ResourceUsage(
    double WallSeconds,
    double? ApiPeakRssMb,
    double? ApiHwmMb,
    double? ApiCpuCores,
    double? PostgresCpuCores,
    double? BenchCpuCores,
    double? MachineBusyCores,
    double? StolenCores = null)
{
    /// <summary>What the rest of the machine used meanwhile: well above zero means the figures were disturbed.</summary>
    public double? OtherCpuCores => MachineBusyCores is { } machine && ApiCpuCores is { } api && PostgresCpuCores is { } pg && BenchCpuCores is { } bench
        ? Math.Max(0, machine - api - pg - bench)
        : null;
}

/// <summary>
/// Samples the API process's resident set every 50 ms and takes CPU snapshots of the API, PostgreSQL (the
/// postmaster and its backends), this load generator and the whole machine at the start and the end.
/// </summary>
public sealed class ResourceMonitor : IAsyncDisposable
{
    private readonly int? _apiPid;
    private readonly int? _postmasterPid;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private readonly double? _api0;
    private readonly double? _pg0;
    private readonly double _bench0;
    private readonly (double Busy, double Total, double Stolen)? _machine0;
    private double _peakRss;

    public ResourceMonitor(int? apiPid, int? postmasterPid)
    {
        _apiPid = apiPid;
        _postmasterPid = postmasterPid;
        _api0 = apiPid is { } a ? ProcStats.CpuSeconds(a) : null;
        _pg0 = postmasterPid is { } p ? ProcStats.TreeCpuSeconds(p) : null;
        _bench0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        _machine0 = ProcStats.MachineCpuSeconds();
        _sampler = Task.Run(SampleAsync);
    }

    public async Task<ResourceUsage> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        var wall = _clock.Elapsed.TotalSeconds;
        Sample();

        double? Cores(double? start, double? end) => start is { } s && end is { } e && wall > 0 ? (e - s) / wall : null;
        var machine1 = ProcStats.MachineCpuSeconds();
        return new ResourceUsage(
            wall,
            _peakRss > 0 ? _peakRss : null,
            _apiPid is { } a ? ProcStats.StatusMb(a, "VmHWM") : null,
            Cores(_api0, _apiPid is { } pid ? ProcStats.CpuSeconds(pid) : null),
            Cores(_pg0, _postmasterPid is { } p ? ProcStats.TreeCpuSeconds(p) : null),
            Cores(_bench0, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds),
            Cores(_machine0?.Busy, machine1?.Busy),
            Cores(_machine0?.Stolen, machine1?.Stolen));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _sampler;
        }

        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        if (_apiPid is { } pid && ProcStats.StatusMb(pid, "VmRSS") is { } rss && rss > _peakRss)
        {
            _peakRss = rss;
        }
    }
}
