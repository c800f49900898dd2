using System.Diagnostics;
using Cases.Api.Audit.Chain;
using Marten;
using Spectre.Console;

namespace Cases.Cli;

/// <summary>
/// <c>audit verify</c> walks the whole event store against its hash chain with a progress display, and exits 1 when the chain
/// breaks, naming the first broken sequence and what happened there; <c>audit head</c> prints the head to record elsewhere.
/// </summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string verb, CancellationToken ct)
    {
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await EventChainSchema.LinkEventsOlderThanTheChainAsync(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), services.GetRequiredService<Cases.Api.CasesOptions>().Schema, ct);
        var verifier = services.GetRequiredService<ChainVerifier>();
        return verb switch
        {
            "verify" => await VerifyAsync(verifier, ct),
            "head" => await HeadAsync(verifier, ct),
            _ => 2,
        };
    }

    private static async Task<int> HeadAsync(ChainVerifier verifier, CancellationToken ct)
    {
        var head = await verifier.HeadAsync(ct);
        AnsiConsole.MarkupLine($"position [bold]{head.Position}[/], sequence {head.Sequence}, hash [bold]{head.Hash}[/], linked at {head.LinkedAt:O}");
        return 0;
    }

    private static async Task<int> VerifyAsync(ChainVerifier verifier, CancellationToken ct)
    {
        var head = await verifier.HeadAsync(ct);
        AnsiConsole.MarkupLine($"Verifying the event chain: [bold]{head.Position:N0}[/] links.");
        var watch = Stopwatch.StartNew();
        ChainReport report = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("links", maxValue: Math.Max(1, head.Position));
                report = await verifier.VerifyAsync(new Progress<(long Done, long Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                }), ct);
                task.Value = task.MaxValue;
            });
        watch.Stop();
        var rate = report.EventsChecked / Math.Max(watch.Elapsed.TotalSeconds, 0.001);
        AnsiConsole.MarkupLine($"{report.EventsChecked:N0} events checked in {watch.Elapsed.TotalSeconds:N1} s ({rate:N0} events/s).");
        AnsiConsole.MarkupLine($"head: position {report.Head.Position}, sequence {report.Head.Sequence}, hash [bold]{report.Head.Hash}[/]");
        if (report.Ok)
        {
            AnsiConsole.MarkupLine("[green]OK[/]: every event matches its link and every link follows from the one before.");
            return 0;
        }

        var table = new Table().AddColumns("kind", "sequence", "position");
        foreach (var b in report.Breaks.Take(20))
        {
            table.AddRow(b.Kind, b.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), b.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[red]BROKEN[/]: {report.BreakCount} break(s); the first at sequence [bold]{report.FirstBrokenSequence}[/] ({report.BreakKind}).");
        return 1;
    }
}
