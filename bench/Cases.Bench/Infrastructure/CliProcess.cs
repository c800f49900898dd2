using System.Diagnostics;
using System.Text;

namespace Cases.Bench.Infrastructure;

/// <summary>What a run of the API's command line printed, how it ended, and how long it took.</summary>
public sealed record CliResult(int ExitCode, string Output, double Seconds, ResourceUsage? Resources = null)
{
    public bool Ok => ExitCode == 0;

    public string Tail(int lines = 15) => string.Join('\n', Output.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(lines));
}

/// <summary>
/// Runs <c>dotnet Cases.Cli.dll ARGS</c> (generate, projections rebuild|verify) on the bench database and waits for
/// it. The child is killed when the run is cancelled (Ctrl+C) or the bench process exits, so none is left behind.
/// </summary>
public static class CliProcess
{
    /// <summary>The command line's Release build, beside the API's: tools/Cases.Cli/bin/Release/net10.0 under the repository root.</summary>
    public static string LocateDll()
    {
        var root = Repo.FindRoot() ?? throw new FileNotFoundException("Cases.sln was not found above the bench or the current folder.");
        var dll = Path.Combine(root, "tools", "Cases.Cli", "bin", "Release", "net10.0", "Cases.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build with `dotnet build bench/Cases.Bench -c Release` first.");
    }

    public static async Task<CliResult> RunAsync(string dll, string connectionString, IReadOnlyList<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, Func<int, ResourceMonitor>? monitor = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ConnectionStrings__Cases"] = connectionString;
        info.Environment["Cases__Demo"] = "true";

        // The limiter still runs on every request (its cost is part of what is measured), but never refuses the load.
        info.Environment["Cases__RateLimit__Burst"] = "10000000";
        info.Environment["Cases__RateLimit__PerSecond"] = "10000000";
        info.Environment["Cases__AsyncDaemon"] = "false";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start `dotnet {Path.GetFileName(dll)} {string.Join(' ', args)}`.");
        }

        void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }

        await using var resources = monitor?.Invoke(process.Id);

        // The child's CPU time, sampled while it runs: /proc forgets it the moment it exits.
        var pid = process.Id;
        double childCpu = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                if (ProcStats.CpuSeconds(pid) is { } cpu)
                {
                    childCpu = cpu;
                }

                try
                {
                    await Task.Delay(100, stopSampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);
        void KillOnExit(object? sender, EventArgs e) => Kill();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using (cancellationToken.Register(Kill))
            {
                await process.WaitForExitAsync(CancellationToken.None);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var seconds = clock.Elapsed.TotalSeconds;
            await stopSampling.CancelAsync();
            await sampler;
            var usage = resources is null ? null : await resources.StopAsync();
            if (usage is not null)
            {
                usage = usage with { ApiCpuCores = childCpu / Math.Max(usage.WallSeconds, 0.001), ApiPeakRssMb = null, ApiHwmMb = null };
            }

            lock (output)
            {
                return new CliResult(process.ExitCode, output.ToString(), seconds, usage);
            }
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
            Kill();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
