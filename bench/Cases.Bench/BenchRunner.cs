using System.Diagnostics;
using Cases.Bench.Infrastructure;
using Cases.Bench.Reporting;
using Cases.Bench.Scenarios;
using Spectre.Console;

namespace Cases.Bench;

/// <summary>
/// One run: a fresh database, the real API in its own process, a warm-up, every scenario in order, the report.
/// The API process and the database are always let go of, also when the run fails or is cancelled.
/// </summary>
public static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var profile = options.Profile;
        AnsiConsole.MarkupLine($"[bold]Cases benchmark[/], profile [cyan]{profile.Name}[/]: {profile.LevelDuration.TotalSeconds:0.#} s per level at concurrency {string.Join('/', profile.Concurrency)}");
        var dll = ApiProcess.LocateDll(options.ApiDll);
        if (await BusyCoresAsync(ct) is { } busy && busy > 0.3)
        {
            AnsiConsole.MarkupLine($"[yellow]Something else is using {busy:0.0} cores: the figures will be disturbed; a quiet machine gives steadier ones.[/]");
        }

        await using var database = await BenchDatabase.CreateAsync(options.ConnectionString, options.Durable, Log, ct);
        var settings = await database.ReadSettingsAsync(ct);
        Log($"PostgreSQL {settings.Version}: synchronous_commit={settings.SynchronousCommit}, fsync={settings.Fsync}");

        await using var api = ApiProcess.Start(dll, database.ConnectionString);
        void KillApi(object? sender, EventArgs e) => api.Kill();
        AppDomain.CurrentDomain.ProcessExit += KillApi;
        try
        {
            using var http = new BenchHttp(api.BaseUrl);
            Log($"API pid {api.Pid} on {api.BaseUrl} (log: {api.LogPath}); waiting for GET /health ...");
            await api.WaitHealthyAsync(http.Client, TimeSpan.FromSeconds(120), ct);
            var catalog = await Catalog.LoadAsync(http, ct);
            Log($"Healthy; {catalog.MicroGrids.Count} micro-grids, {catalog.Departments.Count} departments.");

            var context = new BenchContext(options, database, settings, api, http, catalog, ct) { ApiStartRssMb = ProcStats.StatusMb(api.Pid, "VmRSS") };
            await SpectreProgress.Display().StartAsync(async display =>
            {
                var progress = new SpectreProgress(display);
                await WarmUpAsync(context, progress);
                // Without --only, each scenario's InDefaultRun decides (the chaos run, with its own PostgreSQL, never; the growth to 5M events in the full profile only).
                foreach (var scenario in ScenarioList.All().Where(s => options.Only is null ? s.InDefaultRun(profile) : s.Name == "baseline" || options.Only.Contains(s.Name)))
                {
                    await context.SettleAsync();
                    context.Results.Add(await scenario.RunAsync(context, progress));
                    if (api.HasExited)
                    {
                        throw new InvalidOperationException($"The API process died during {scenario.Name}:\n{api.LogTail()}");
                    }
                }

                // The memory target covers the whole run, so it is checked once every scenario has run.
                if (context.Results.Any(r => r.Name == MemoryScenario.Key))
                {
                    context.Results.Add(MemoryScenario.OverTheRun(context.Results));
                }
            });

            var report = new BenchReport(
                startedAt,
                profile.Name,
                profile.LevelDuration.TotalSeconds,
                profile.Concurrency,
                MachineInfo.Describe(settings.Version),
                settings,
                database.ServerDescription,
                dll,
                Repo.DescribeCommit(Repo.FindRoot()),
                context.Results,
                [.. context.Results.SelectMany(r => r.Targets)],
                context.Results.Sum(r => r.ErrorTotal),
                clock.Elapsed.TotalSeconds);
            ConsoleReport.Write(report);
            if (options.OutDirectory is { } outDirectory)
            {
                foreach (var file in report.WriteTo(outDirectory))
                {
                    Log($"Wrote {file}");
                }
            }

            return 0;
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= KillApi;
            api.Kill();
        }
    }

    /// <summary>
    /// Wolverine generates each endpoint's handler on first use and .NET's JIT tiers up over the first seconds, so
    /// every endpoint the scenarios call is exercised before anything is measured.
    /// </summary>
    internal static async Task WarmUpAsync(BenchContext context, IBenchProgress progress)
    {
        var half = context.Profile.Warmup / 2;
        var line = progress.Add("warm-up    API (intake, lifecycle)");
        var intake = await LoadRunner.RunAsync(4, half, IntakeScenario.Worker(context, 1), f => line.Report(f / 2), null, context.CancellationToken);
        var lifecycle = await LoadRunner.RunAsync(4, half, LifecycleScenario.Worker(context, 2), f => line.Report(0.5 + (f / 2)), null, context.CancellationToken);
        var errors = intake.ErrorTotal + lifecycle.ErrorTotal;
        line.Done($"warm-up    {intake.Operations + lifecycle.Operations} requests" + (errors > 0 ? $"  [red]{errors} errors[/] ({Markup.Escape(string.Join("; ", intake.Errors.Concat(lifecycle.Errors).Select(e => $"{e.Operation} {e.Status} x{e.Count}")))})" : ""));
    }

    /// <summary>How many cores the machine keeps busy over one second before the run starts.</summary>
    private static async Task<double?> BusyCoresAsync(CancellationToken ct)
    {
        var before = ProcStats.MachineCpuSeconds();
        await Task.Delay(1000, ct);
        return before is { } b && ProcStats.MachineCpuSeconds() is { } a ? a.Busy - b.Busy : null;
    }

    private static void Log(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
}
