using System.Diagnostics;
using Cases.Api.Metrics;
using Cases.Projections;
using Cases.Projections.Feed;
using Cases.Projections.Metrics;
using Marten;
using Spectre.Console;

namespace Cases.Cli;

/// <summary>
/// <c>projections rebuild</c> rebuilds the async read models in one pass over the events (<see cref="ReadModelRebuild"/>), with a progress display.
/// <c>projections verify</c> rebuilds every read model (metrics, case records, dispatch feed) into a shadow copy in memory and
/// compares it with the live one; it exits 1 on any difference, so a script or a cron job can alarm on it.
/// </summary>
public static class ProjectionsCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string verb, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return verb switch
        {
            "rebuild" => await RebuildAsync(store, ct),
            "verify" => await VerifyAsync(store, ct),
            "rebuild-cases" => await RebuildCasesAsync(store, ct),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        AnsiConsole.MarkupLine("[yellow]usage:[/] Cases.Cli projections rebuild|verify|rebuild-cases");
        return 2;
    }

    private static async Task<int> RebuildAsync(IDocumentStore store, CancellationToken ct)
    {
        AnsiConsole.MarkupLine($"Rebuilding the {string.Join(" and ", ProjectionsRegistration.AsyncProjections)} projections in one pass over the events.");
        var watch = Stopwatch.StartNew();
        ReadModelRebuildResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var fold = progress.AddTask("fold the events", maxValue: 1);
                var write = progress.AddTask("write the read models", autoStart: false, maxValue: 1);
                result = await ReadModelRebuild.RunAsync(store, new Progress<(long Done, long Total)>(p =>
                {
                    fold.MaxValue = Math.Max(1, p.Total);
                    fold.Value = p.Done;
                    if (p.Done >= p.Total && !write.IsStarted)
                    {
                        write.StartTask();
                    }
                }), ct);
                fold.Value = fold.MaxValue;
                write.Value = write.MaxValue;
            });
        watch.Stop();
        var r = result!;
        AnsiConsole.MarkupLine(
            $"Folded {r.Events:N0} events in {r.Fold.TotalSeconds:N1} s; wrote {r.Cases:N0} case facts, {r.Buckets:N0} rollups, " +
            $"{r.DeadLetters:N0} dead letters and {r.FeedItems:N0} dispatch feed items in {r.Write.TotalSeconds:N1} s.");
        AnsiConsole.MarkupLine($"[green]Rebuilt[/] in {watch.Elapsed.TotalSeconds:N1} s: {r.Events / Math.Max(watch.Elapsed.TotalSeconds, 0.001):N0} events/s.");
        return 0;
    }

    /// <summary>
    /// The case read model is inline, so it never lags; this replays it from the events after its shape changed,
    /// for example on a store written before the read model and the decision state were split.
    /// </summary>
    private static async Task<int> RebuildCasesAsync(IDocumentStore store, CancellationToken ct)
    {
        var daemon = await store.BuildProjectionDaemonAsync();
        var watch = Stopwatch.StartNew();
        await AnsiConsole.Status().StartAsync("Replaying every case stream into the case read model...", async _ =>
            await daemon.RebuildProjectionAsync<Projections.Cases.CaseRecordProjection>(ct));
        AnsiConsole.MarkupLine($"[green]Rebuilt[/] the case read model in {watch.Elapsed.TotalSeconds:N1} s.");
        await daemon.StopAllAsync();
        return 0;
    }

    /// <summary>
    /// Every read model, rebuilt from the events into a scratch copy and compared with the live one: the metrics (facts and
    /// buckets), the case records (the case view, list and boards read them) and the department dispatch feed.
    /// </summary>
    private static async Task<int> VerifyAsync(IDocumentStore store, CancellationToken ct)
    {
        // One snapshot for everything read below: the live service may go on appending and projecting meanwhile.
        await using var snapshot = await ReadModelSnapshot.OpenAsync(store, ct);
        var metrics = await snapshot.ProgressAsync(MetricsProjection.Name, ct);
        var feed = await snapshot.ProgressAsync(DispatchFeedProjection.Name, ct);
        var last = await snapshot.LastEventAsync(ct);
        foreach (var (name, applied) in new[] { (MetricsProjection.Name, metrics), (DispatchFeedProjection.Name, feed) }.Where(p => p.Item2 < last))
        {
            AnsiConsole.MarkupLine($"[yellow]The {name} projection is up to {applied:N0} of {last:N0} events; verifying what it has applied.[/]");
        }

        var differences = new List<ShadowDifference>();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                // One pass over the events feeds both shadows; the comparison with the live documents follows it.
                var task = progress.AddTask("shadow rebuild of the metrics, case records and dispatch feed", maxValue: Math.Max(1, last));
                differences.AddRange(await ReadModelVerification.CompareAsync(snapshot, metrics, feed, new Progress<(long Done, long Total)>(p => task.Value = p.Done), ct));
                task.Value = task.MaxValue;
            });

        if (differences.Count == 0)
        {
            AnsiConsole.MarkupLine($"[green]OK[/]: the metrics, case records and dispatch feed equal their shadows rebuilt from the events (as of event {last:N0}; metrics up to {metrics:N0}, feed up to {feed:N0}).");
            return 0;
        }

        var table = new Table().AddColumns("read model", "id", "live", "shadow");
        foreach (var d in differences.Take(20))
        {
            table.AddRow(Markup.Escape(d.Document), Markup.Escape(d.Id), Markup.Escape(Trim(d.Live)), Markup.Escape(Trim(d.Shadow)));
        }

        AnsiConsole.Write(table);
        foreach (var group in differences.GroupBy(d => d.Document))
        {
            AnsiConsole.MarkupLine($"[red]{group.Count()} difference(s)[/] in {Markup.Escape(group.Key)}.");
        }

        return 1;
    }

    private static string Trim(string? json) => json is null ? "(missing)" : json.Length <= 120 ? json : json[..117] + "...";
}
