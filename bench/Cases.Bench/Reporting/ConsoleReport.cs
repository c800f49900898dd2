using Spectre.Console;

namespace Cases.Bench.Reporting;

/// <summary>The final tables on the console: every figure beside its baseline, then the targets and any errors.</summary>
public static class ConsoleReport
{
    public static void Write(BenchReport report)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine($"[bold]Machine[/]  {Markup.Escape(report.Machine.ToString())}");
        var pg = report.PostgreSql;
        AnsiConsole.MarkupLine($"[bold]PostgreSQL[/]  synchronous_commit={Markup.Escape(pg.SynchronousCommit)} fsync={Markup.Escape(pg.Fsync)} " +
                               $"full_page_writes={Markup.Escape(pg.FullPageWrites)} shared_buffers={Markup.Escape(pg.SharedBuffers)}");

        var table = new Table().Border(TableBorder.Rounded).Title($"Cases benchmark ({report.Profile})");
        foreach (var column in new[] { "Scenario", "Level", "Figure", "p50 ms", "p99 ms", "Errors", "Baseline", "× base", "CPU API/PG/bench/other" })
        {
            table.AddColumn(new TableColumn(column) { Alignment = column is "Scenario" or "Level" or "CPU API/PG/bench/other" ? Justify.Left : Justify.Right });
        }

        foreach (var scenario in report.Scenarios)
        {
            foreach (var row in scenario.Rows)
            {
                table.AddRow(
                    Markup.Escape(scenario.Name),
                    Markup.Escape(row.Label),
                    Markup.Escape($"{MarkdownReport.Figure(row.Value)} {row.Unit}"),
                    MarkdownReport.Ms(row.P50Ms),
                    MarkdownReport.Ms(row.P99Ms),
                    row.Errors > 0 ? $"[red]{row.Errors}[/]" : "0",
                    MarkdownReport.Figure(row.BaselinePerSecond),
                    MarkdownReport.Ratio(row.Ratio),
                    Markup.Escape(MarkdownReport.Cpu(row.Resources)));
            }
        }

        AnsiConsole.Write(table);

        var targets = new Table().Border(TableBorder.Rounded).Title("Targets");
        targets.AddColumns("Scenario", "Goal", "Measured", "Result");
        foreach (var target in report.Targets)
        {
            targets.AddRow(Markup.Escape(target.Scenario), Markup.Escape(target.Target), Markup.Escape(target.Measured), target.Passed ? "[green]pass[/]" : "[red]miss[/]");
        }

        AnsiConsole.Write(targets);
        foreach (var scenario in report.Scenarios)
        {
            foreach (var error in scenario.Errors)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(scenario.Name)} / {Markup.Escape(error.Operation)}: {error.Count} × {Markup.Escape(error.Status)}[/] {Markup.Escape(error.Sample)}");
            }
        }

        if (report.MaxOtherCpuCores is { } other and > 0.25)
        {
            AnsiConsole.MarkupLine($"[yellow]Disturbed: other work on the machine used up to {other:0.00} cores during a measurement.[/]");
        }

        if (report.MaxStolenCores is { } stolen and > 0.25)
        {
            AnsiConsole.MarkupLine($"[yellow]Disturbed by the host: the hypervisor took up to {stolen:0.00} cores during a measurement (steal time).[/]");
        }

        AnsiConsole.MarkupLine(report.Errors == 0
            ? report.Scenarios.Any(s => s.Rows.Any(r => r.Errors > 0))
                ? "[green]No measured request failed[/] (a non-zero Errors column counts answers during the chaos scenario's deliberate faults, all retried)."
                : "[green]No request failed.[/]"
            : $"[red bold]{report.Errors} requests failed: the figures above count only the successful ones.[/]");
    }
}
