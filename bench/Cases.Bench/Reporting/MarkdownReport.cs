using System.Globalization;
using System.Text;
using Cases.Bench.Infrastructure;
using Cases.Bench.Scenarios;

namespace Cases.Bench.Reporting;

/// <summary>latest.md: the machine, the settings, one table of every figure beside its baseline, and the targets.</summary>
public static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        var pg = report.PostgreSql;
        md.AppendLine(Invariant($"Measured {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC, profile `{report.Profile}` ({report.SecondsPerLevel:0.#} s per level, concurrency {string.Join('/', report.Concurrency)}, {report.ElapsedSeconds:0} s in all)."));
        md.AppendLine();
        md.AppendLine(Invariant($"- Machine: {report.Machine}"));
        md.AppendLine(Invariant($"- Code: commit {report.Commit}, Release build"));
        md.AppendLine(Invariant($"- PostgreSQL (the same server and settings for the baseline and the API): synchronous_commit={pg.SynchronousCommit}, fsync={pg.Fsync}, full_page_writes={pg.FullPageWrites}, shared_buffers={pg.SharedBuffers}, max_connections={pg.MaxConnections}"));
        md.AppendLine("- Load: closed loop, a fixed number of workers each sending its next request when the last one answered (baseline, intake, lifecycle, the clocks' filing, the metrics queries at c=1); the projection-lag load and the clocks' disputes are open loop, requests started at a fixed rate; HTTP/1.1 on loopback to the Release API in its own process; latencies are exact percentiles of every request. × baseline compares a rate with the same run's INSERT ceiling (at the same concurrency where there is one).");
        md.AppendLine();
        md.AppendLine("| Scenario | Level | Figure | p50 ms | p99 ms | Errors | Baseline rows/s | × baseline | CPU cores: API / PostgreSQL / bench / other (stolen by the host) |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|---|");
        foreach (var scenario in report.Scenarios)
        {
            foreach (var row in scenario.Rows)
            {
                md.AppendLine(Invariant(
                    $"| {scenario.Title} | {row.Label} | {Figure(row.Value)} {row.Unit} | {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | {row.Errors} | {Figure(row.BaselinePerSecond)} | {Ratio(row.Ratio)} | {Cpu(row.Resources)} |"));
            }
        }

        if (report.Scenarios.FirstOrDefault(s => s.Name == "lifecycle") is { Details: { } details } && details.TryGetValue("byCommand", out var value)
            && value is Dictionary<string, object> byCommand)
        {
            md.AppendLine();
            md.AppendLine("Lifecycle mix per command, p50 / p99 ms (count):");
            md.AppendLine();
            md.AppendLine("| Command | " + string.Join(" | ", report.Concurrency.Select(c => $"c={c}")) + " |");
            md.AppendLine("|---|" + string.Concat(report.Concurrency.Select(_ => "--:|")));
            foreach (var (command, levels) in byCommand)
            {
                var stats = (Dictionary<string, LatencyStats>)levels;
                md.AppendLine($"| {command} | " + string.Join(" | ", report.Concurrency.Select(c =>
                    stats.TryGetValue($"c={c}", out var s) ? $"{Ms(s.P50)} / {Ms(s.P99)} ({s.Count})" : "–")) + " |");
            }
        }

        md.AppendLine();
        md.AppendLine("| Target (2-core machine) | Goal | Measured | Result |");
        md.AppendLine("|---|---|---|---|");
        foreach (var target in report.Targets)
        {
            md.AppendLine($"| {target.Scenario} | {target.Target} | {target.Measured} | {(target.Passed ? "pass" : "**miss**")} |");
        }

        md.AppendLine();
        if (report.MaxOtherCpuCores is { } other and > 0.25)
        {
            md.AppendLine(Invariant($"**Disturbed:** other work on the machine used up to {other:0.00} cores during a measurement, so these figures understate the service."));
            md.AppendLine();
        }

        if (report.MaxStolenCores is { } stolen and > 0.25)
        {
            md.AppendLine(Invariant($"**Disturbed by the host:** the hypervisor took up to {stolen:0.00} cores from this virtual machine during a measurement (steal time, \"stolen\" in the CPU column), so those figures understate the service."));
            md.AppendLine();
        }

        var errors = report.Scenarios.SelectMany(s => s.Errors.Select(e => (s.Name, e))).ToList();
        if (errors.Count == 0 && report.Scenarios.Any(s => s.Rows.Any(r => r.Errors > 0)))
        {
            // The chaos scenario's faults are deliberate: its clients retry every error until they are answered.
            md.AppendLine("No measured request failed. Where a row's Errors column is not 0, it counts the answers clients got during faults the scenario caused on purpose (a node killed, PostgreSQL restarted); the clients retried each until it was accepted.");
        }
        else if (errors.Count == 0)
        {
            md.AppendLine("No request failed: every answer was a 2xx.");
        }
        else
        {
            md.AppendLine(Invariant($"**{report.Errors} requests failed** (non-2xx or no answer); these figures count only the successful ones:"));
            md.AppendLine();
            foreach (var (scenario, e) in errors)
            {
                md.AppendLine(Invariant($"- {scenario} / {e.Operation}: {e.Count} × `{e.Status}`: {Escape(e.Sample, 200)}"));
            }
        }

        return md.ToString();
    }

    public static string Figure(double? value) => value is not { } v || double.IsNaN(v) ? "" : v >= 100 ? Invariant($"{v:#,0}") : Invariant($"{v:0.0}");

    public static string Ms(double? value) => value switch
    {
        null => "",
        < 1 => Invariant($"{value:0.00}"),
        _ => Invariant($"{value:0.0}"),
    };

    public static string Ratio(double? value) => value is { } v ? Invariant($"{v:0.00}x") : "";

    /// <summary>
    /// Cores used by the API, PostgreSQL, the bench, and everything else on the machine (noise from other work); and,
    /// where the hypervisor took a noticeable share of this virtual machine's cores, that steal time.
    /// </summary>
    public static string Cpu(ResourceUsage? usage) => usage is null ? "" : Invariant(
        $"{Cores(usage.ApiCpuCores)} / {Cores(usage.PostgresCpuCores)} / {Cores(usage.BenchCpuCores)} / {Cores(usage.OtherCpuCores)}") +
        (usage.StolenCores is { } stolen and >= NoticeableSteal ? Invariant($" (stolen {stolen:0.00})") : "");

    /// <summary>Steal time below this (in cores) is left out of the CPU column.</summary>
    public const double NoticeableSteal = 0.05;

    private static string Cores(double? value) => value is { } v ? Invariant($"{v:0.00}") : "?";

    private static string Escape(string text, int max)
    {
        var flat = text.Replace('\n', ' ').Replace('\r', ' ').Replace('|', '/').Replace('`', '\'');
        return flat.Length > max ? flat[..max] + "…" : flat;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
