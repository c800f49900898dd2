using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Projection rebuild over a big store. The API is stopped (the rebuild wants the database to itself), the store is
/// topped up with generated histories (<c>Cases.Cli generate N DAYS</c>) to at least 1,000,000 events (quick:
/// 100,000), then <c>Cases.Cli projections rebuild</c> is timed (its own figure and the wall time of the whole
/// command), and <c>projections verify</c> run once. The API is started again on the same database afterwards, for
/// the metrics queries. Target: at least 50,000 events/s on at least 1,000,000 events.
/// </summary>
public sealed partial class RebuildScenario(long? wantedEvents = null, string name = "rebuild") : IScenario
{
    public const double TargetEventsPerSecond = 50_000;
    public const long TargetEvents = 1_000_000;
    public const int Days = 365;

    /// <summary>Events per generated case, for the first guess of how many cases to generate (measured: ~5.1).</summary>
    private const double EventsPerCaseGuess = 5.0;

    public string Name => name;

    public string Title => "Projection rebuild (CLI)";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var cs = context.Database.ConnectionString;
        var dll = CliProcess.LocateDll();
        var wanted = wantedEvents ?? (context.Profile.IsQuick ? 100_000 : TargetEvents + 20_000);
        var rows = new List<ResultRow>();
        var errors = new List<ErrorCount>();
        var targets = new List<TargetCheck>();
        var stop = progress.Add("rebuild    stopping the API");
        context.Api.Kill();
        stop.Done("rebuild    API stopped (the rebuild has the database to itself)");
        try
        {
            // Top the store up with generated histories.
            var existing = await BenchSql.EventCountAsync(cs, ct);
            var events = existing;
            long generatedCases = 0;
            double generateSeconds = 0;
            ResourceUsage? generateUsage = null;
            for (var round = 0; round < 3 && events < wanted; round++)
            {
                var perCase = generatedCases > 0 ? Math.Max(1.0, (events - existing) / (double)generatedCases) : EventsPerCaseGuess;
                var cases = (int)Math.Ceiling((wanted - events) / perCase);
                var gen = progress.Add($"{Name,-10} generate {cases:#,0} cases over {Days} days ({events:#,0} events so far)");
                var result = await CliProcess.RunAsync(dll, cs, ["generate", cases.ToString(CultureInfo.InvariantCulture), Days.ToString(CultureInfo.InvariantCulture)], ct, monitor: context.MonitorProcess);
                generateUsage ??= result.Resources;
                if (!result.Ok)
                {
                    throw new InvalidOperationException($"generate {cases} failed with exit code {result.ExitCode}:\n{result.Tail()}");
                }

                generatedCases += cases;
                generateSeconds += result.Seconds;
                events = await BenchSql.EventCountAsync(cs, ct);
                gen.Done($"{Name,-10} generated {cases:#,0} cases in {result.Seconds:0.0} s; the store holds {events:#,0} events");
            }

            if (generatedCases > 0)
            {
                rows.Add(new ResultRow($"generate {generatedCases:#,0} cases (CLI, wall time {generateSeconds:0.0} s)", null, (events - existing) / generateSeconds, "events/s", null, null, 0, null, null, generateUsage));
            }

            rows.Add(new ResultRow("events in the store", null, events, "events", null, null, 0, null, null, null));

            // The rebuild, timed by the CLI and by the wall clock.
            var line = progress.Add($"rebuild    projections rebuild over {events:#,0} events");
            var rebuild = await CliProcess.RunAsync(dll, cs, ["projections", "rebuild"], ct, monitor: context.MonitorProcess);
            if (!rebuild.Ok)
            {
                throw new InvalidOperationException($"projections rebuild failed with exit code {rebuild.ExitCode}:\n{rebuild.Tail()}");
            }

            var match = RebuiltLine().Match(rebuild.Output);
            double? reportedSeconds = match.Success ? Number(match.Groups[1].Value) : null;
            double? reportedRate = match.Success ? Number(match.Groups[2].Value) : null;
            var wallRate = events / rebuild.Seconds;
            var ceiling = context.Baseline?.Ceiling.PerSecond;
            if (reportedRate is { } rate)
            {
                rows.Add(new ResultRow($"rebuild, as the CLI reports it ({reportedSeconds:0.0} s)", null, rate, "events/s", null, null, 0, ceiling, ceiling is { } c ? rate / c : null, null));
            }

            rows.Add(new ResultRow($"rebuild, wall time of the command ({rebuild.Seconds:0.0} s incl. start-up; CPU: the API column is the CLI process)", null, wallRate, "events/s", null, null, 0, ceiling, ceiling is { } c2 ? wallRate / c2 : null, rebuild.Resources));
            line.Done($"rebuild    {events:#,0} events: CLI {reportedSeconds:0.0} s = {reportedRate:#,0} events/s; wall {rebuild.Seconds:0.0} s = {wallRate:#,0} events/s" +
                      (match.Success ? "" : $"  [yellow]no 'Rebuilt in' line: {Spectre.Console.Markup.Escape(rebuild.Tail(3))}[/]"));

            var verifyLine = progress.Add("rebuild    projections verify");
            var verify = await CliProcess.RunAsync(dll, cs, ["projections", "verify"], ct, monitor: context.MonitorProcess);
            var ok = verify.Ok && verify.Output.Contains("OK", StringComparison.Ordinal);
            rows.Add(new ResultRow($"projections verify: {(ok ? "OK" : $"FAILED (exit {verify.ExitCode})")}", null, verify.Seconds, "s", null, null, ok ? 0 : 1, null, null, verify.Resources));
            verifyLine.Done($"rebuild    verify {(ok ? "[green]OK[/]" : "[red]FAILED[/]")} in {verify.Seconds:0.0} s" + (ok ? "" : $": {Spectre.Console.Markup.Escape(verify.Tail(5))}"));
            if (!ok)
            {
                errors.Add(new ErrorCount("projections verify", $"exit {verify.ExitCode}", 1, verify.Tail(8)));
            }

            var measuredRate = reportedRate ?? wallRate;
            targets.Add(new TargetCheck(Name, $">= {TargetEventsPerSecond:#,0} events/s on >= {TargetEvents:#,0} events",
                $"{measuredRate:#,0} events/s on {events:#,0} events (CLI; wall {wallRate:#,0}/s); verify {(ok ? "OK" : "FAILED")}",
                measuredRate >= TargetEventsPerSecond && events >= TargetEvents));
        }
        finally
        {
            // The API back on the same database, for the metrics queries (and whatever runs next).
            if (!ct.IsCancellationRequested)
            {
            var restart = progress.Add("rebuild    restarting the API");
            var clock = Stopwatch.StartNew();
            context.Api.Restart();
            context.Http.ForgetTokens();
            await context.Api.WaitHealthyAsync(context.Http.Client, TimeSpan.FromSeconds(120), CancellationToken.None);
            restart.Done($"rebuild    API restarted (pid {context.Api.Pid}), healthy after {clock.Elapsed.TotalSeconds:0.0} s");
            rows.Add(new ResultRow("API restart until GET /health", null, clock.Elapsed.TotalSeconds, "s", null, null, 0, null, null, null));
            }
        }

        return new ScenarioResult(Name, Title, rows, targets, errors);
    }

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Rebuilt in ([\d,\.]+) s: ([\d,\.]+) events/s")]
    private static partial Regex RebuiltLine();
}
