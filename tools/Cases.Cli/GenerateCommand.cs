using Cases.Api.Demo;
using Cases.Api.Reference;
using Marten;
using Spectre.Console;

namespace Cases.Cli;

/// <summary>
/// <c>generate CASES [DAYS]</c> appends CASES generated case histories, raised over the last DAYS days (365 by
/// default), straight to the event store: for big demos and the rebuild and metrics benchmarks.
/// </summary>
public static class GenerateCommand
{
    /// <summary>Reads <c>generate CASES [DAYS]</c>; false (after printing the usage) when CASES is not a positive number.</summary>
    public static bool TryParse(string[] args, out int cases, out int days)
    {
        days = args.Length > 2 && int.TryParse(args[2], out var d) && d > 0 ? d : 365;
        if (args.Length < 2 || !int.TryParse(args[1], out cases) || cases < 1)
        {
            cases = 0;
            AnsiConsole.MarkupLine("[yellow]usage:[/] Cases.Cli generate CASES [[DAYS]]");
            return false;
        }

        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, int cases, int days, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var tree = (await services.GetRequiredService<ReferenceData>().GetAsync(ct)).Tree;
        if (!tree.Nodes.Any(n => n.Level == Cases.Domain.Grid.GridLevel.MicroGrid))
        {
            AnsiConsole.MarkupLine("[red]This database has no grid to file cases in.[/] Seed it first: run the service once in demo mode (Cases__Demo=true), or set it here.");
            return 1;
        }

        var start = DateTimeOffset.UtcNow.AddDays(-days);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"generating {cases:N0} cases", maxValue: cases);
                await HistoryGenerator.AppendAsync(store, tree, cases, start, TimeSpan.FromDays(days), progress: new Progress<int>(n => task.Value = n), ct: ct);
            });
        var statistics = await store.Advanced.FetchEventStoreStatistics(token: ct);
        AnsiConsole.MarkupLine($"[green]Generated[/] {cases:N0} cases in {watch.Elapsed.TotalSeconds:N1} s; the store now holds {statistics.EventCount:N0} events.");
        return 0;
    }
}
