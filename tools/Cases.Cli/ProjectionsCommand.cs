using System.Diagnostics;
using Cases.Api.Metrics;
using Cases.Projections;
using Cases.Projections.Feed;
using Cases.Projections.Metrics;
using Marten;
using Spectre.Console;

namespace Cases.Cli;

/// <summary>
/// <c>projections rebuild</c> replays every event through the async projections, with a progress display.
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
            "rebuild" => await RebuildAsync(store, services.GetRequiredService<ProjectionStatus>(), ct),
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

    private static async Task<int> RebuildAsync(IDocumentStore store, ProjectionStatus status, CancellationToken ct)
    {
        var daemon = await store.BuildProjectionDaemonAsync();
        var total = (await status.ReadAsync(ct)).Max(p => p.HighWaterMark);
        AnsiConsole.MarkupLine($"Rebuilding {ProjectionStatus.AsyncProjections.Length} projections over [bold]{total:N0}[/] events.");
        var watch = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                // The projections rebuild side by side: each waits on the database half of the time.
                var tasks = ProjectionStatus.AsyncProjections.ToDictionary(name => name, name => progress.AddTask(name, maxValue: Math.Max(1, total)));
                var rebuild = Task.WhenAll(ProjectionStatus.AsyncProjections.Select(name => daemon.RebuildProjectionAsync(name, ct)));
                while (!rebuild.IsCompleted)
                {
                    await Task.WhenAny(rebuild, Task.Delay(250, ct));
                    foreach (var current in await status.ReadAsync(ct))
                    {
                        tasks[current.Name].Value = current.LastSequence;
                    }
                }

                await rebuild;
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            });
        watch.Stop();
        var rate = total / Math.Max(watch.Elapsed.TotalSeconds, 0.001);
        AnsiConsole.MarkupLine($"[green]Rebuilt[/] in {watch.Elapsed.TotalSeconds:N1} s: {rate:N0} events/s.");
        await daemon.StopAllAsync();
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
                var metricsTask = progress.AddTask("shadow rebuild of metrics", maxValue: Math.Max(1, metrics));
                var othersTask = progress.AddTask("shadow rebuild of case records and dispatch feed", maxValue: Math.Max(1, last));
                differences.AddRange(await MetricsShadow.CompareAsync(snapshot, metrics, new Progress<(long Done, long Total)>(p => metricsTask.Value = p.Done), ct));
                metricsTask.Value = metricsTask.MaxValue;
                differences.AddRange(await ReadModelShadow.CompareAsync(snapshot, feed, new Progress<(long Done, long Total)>(p =>
                {
                    othersTask.MaxValue = Math.Max(1, p.Total);
                    othersTask.Value = p.Done;
                }), ct));
                othersTask.Value = othersTask.MaxValue;
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
