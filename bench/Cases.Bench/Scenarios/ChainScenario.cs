using System.Globalization;
using System.Text.RegularExpressions;
using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

/// <summary>
/// The tamper-evidence chain. First <c>Cases.Cli audit verify</c> over the whole store (after the rebuild scenario: at least
/// 1,000,000 events), timed by the CLI and by the wall clock. Then the append-time cost of the chain: intake at one
/// concurrency, alternately with the chain's trigger on and switched off (<c>alter table ... disable trigger</c>), twice each,
/// in the same run. Appeals filed while it was off are left unlinked, so a later verify of this bench store reports them as
/// inserted: this runs last, after its own verify.
/// </summary>
public sealed partial class ChainScenario : IScenario
{
    public const int Concurrency = 16;

    public string Name => "chain";

    public string Title => "Event chain: verify and append-time cost";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var cs = context.Database.ConnectionString;
        var rows = new List<ResultRow>();
        var errors = new List<ErrorCount>();
        var events = await BenchSql.EventCountAsync(cs, ct);

        var line = progress.Add($"chain      audit verify over {events:#,0} events");
        var verify = await CliProcess.RunAsync(CliProcess.LocateDll(), cs, ["audit", "verify"], ct, monitor: context.MonitorProcess);
        var match = CheckedLine().Match(verify.Output);
        var ok = verify.Ok && verify.Output.Contains("OK", StringComparison.Ordinal);
        if (match.Success)
        {
            rows.Add(new ResultRow($"audit verify, as the CLI reports it ({Number(match.Groups[1].Value):#,0} events in {match.Groups[2].Value} s): {(ok ? "OK" : "BROKEN")}",
                null, Number(match.Groups[3].Value), "events/s", null, null, ok ? 0 : 1, null, null, null));
        }

        rows.Add(new ResultRow($"audit verify, wall time of the command ({verify.Seconds:0.0} s incl. start-up)", null, events / verify.Seconds, "events/s", null, null, ok ? 0 : 1, null, null, verify.Resources));
        line.Done($"chain      verify {(ok ? "[green]OK[/]" : "[red]FAILED[/]")}: {(match.Success ? match.Groups[3].Value : "?")} events/s (CLI), wall {verify.Seconds:0.0} s");
        if (!ok)
        {
            errors.Add(new ErrorCount("audit verify", $"exit {verify.ExitCode}", 1, verify.Tail(8)));
        }

        // On, off, on, off: a drift over the run (the store growing, the machine's other work) falls on both sides alike.
        var schema = await BenchSql.SchemaOfAsync(cs, "mt_events", ct) ?? "cases";
        var rates = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        try
        {
            foreach (var chained in new[] { true, false, true, false })
            {
                await BenchSql.ScalarAsync<object?>(cs, $"alter table {schema}.mt_events {(chained ? "enable" : "disable")} trigger cases_event_chain", ct);
                var step = progress.Add($"chain      intake c={Concurrency} chain {(chained ? "on " : "off")}");
                var level = await LoadRunner.RunAsync(Concurrency, context.Profile.LevelDuration, IntakeScenario.Worker(context, 7000 + rates[chained].Count), step.Report, context.Monitor, ct);
                rates[chained].Add(level.PerSecond);
                rows.Add(new ResultRow($"intake c={Concurrency}, chain {(chained ? "on" : "off")}", Concurrency, level.PerSecond, "appeals/s",
                    level.Latency.P50, level.Latency.P99, level.ErrorTotal, null, null, level.Resources));
                errors.AddRange(level.Errors);
                step.Done($"chain      intake c={Concurrency} chain {(chained ? "on " : "off")} {level.PerSecond,8:0} appeals/s  p50 {level.Latency.P50,6:0.0} ms  p99 {level.Latency.P99,6:0.0} ms");
                await Task.Delay(context.Profile.Pause, ct);
            }
        }
        finally
        {
            await BenchSql.ScalarAsync<object?>(cs, $"alter table {schema}.mt_events enable trigger cases_event_chain", CancellationToken.None);
        }

        var on = rates[true].Average();
        var off = rates[false].Average();
        rows.Add(new ResultRow($"intake with the chain / without it (mean of two runs each: {on:0} / {off:0} appeals/s)", Concurrency, on / off, "ratio", null, null, 0, null, null, null));
        return new ScenarioResult(Name, Title, rows, [], errors);
    }

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"([\d,]+) events checked in ([\d,\.]+) s \(([\d,]+) events/s\)")]
    private static partial Regex CheckedLine();
}
