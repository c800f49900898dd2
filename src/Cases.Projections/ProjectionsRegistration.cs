using Cases.Domain;
using Cases.Projections.Cases;
using Cases.Projections.Feed;
using Cases.Projections.Metrics;
using JasperFx.Events.Projections;
using Marten;

namespace Cases.Projections;

public static class ProjectionsRegistration
{
    /// <summary>The projections the async daemon runs (the case records are inline): what status reports and rebuild replaces.</summary>
    public static readonly string[] AsyncProjections = [MetricsProjection.Name, DispatchFeedProjection.Name];

    /// <summary>Registers the case events, every projection and the read models' indexes.</summary>
    public static StoreOptions AddCasesProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(CaseEventTypes.All);
        options.Projections.Add(new CaseRecordProjection(), ProjectionLifecycle.Inline);
        // Pages of at most 500 events. Marten's loader keeps fetching whatever is new (a few dozen events each poll)
        // while fewer than two pages' worth wait, and the projection takes each fetch as a page of its own; past that
        // it waits for a full page. Under intake, pages of a few dozen events touched three to ten rollups per event
        // and the metrics fell minutes behind; with 500, once ~1,000 events wait, each page shares its rollups among
        // 500 events (README "Performance"). `projections rebuild` does not page through the daemon.
        options.Projections.Add(new MetricsProjection(), ProjectionLifecycle.Async, MetricsProjection.Name, async =>
        {
            async.BatchSize = 500;
            async.MaximumHopperSize = 2000;
            async.DeleteViewTypeOnTeardown<CaseFacts>();
            async.DeleteViewTypeOnTeardown<MetricsBucket>();
        });
        options.Projections.Add(new DispatchFeedProjection(), ProjectionLifecycle.Async, DispatchFeedProjection.Name, async =>
        {
            async.BatchSize = 5000;
            async.MaximumHopperSize = 20000;
            async.DeleteViewTypeOnTeardown<DispatchFeedItem>();
        });

        // Look for new events four times a second. Each look that finds some makes a page, and a page rewrites every rollup
        // its cases count in, so under load the cost per event falls as pages grow: polling every 100 ms, the rollup writes
        // cost PostgreSQL 1.1-1.3 ms per event or clock stage in the benchmark's lag and burst; every 250 ms or longer,
        // 0.6-1.0 ms (README "Performance", the polling lever). The lag's floor grows by at most the interval.
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(250);
        options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);

        // A poison event is recorded as a dead letter and skipped; it does not stop the daemon.
        options.Projections.Errors.SkipApplyErrors = true;
        options.Projections.Errors.SkipSerializationErrors = true;
        options.Projections.Errors.SkipUnknownEvents = true;

        // The scope, grain, category and day columns and their composite index: see MetricsBucketSchemaAttribute.
        options.Schema.For<MetricsBucket>().Identity(x => x.Id);
        CaseFactsSchema.Configure(options);
        options.Schema.For<ProjectionDeadLetter>().Identity(x => x.Id).Duplicate(x => x.Projection);
        options.Schema.For<DispatchFeedItem>().Identity(x => x.Id).Duplicate(x => x.DepartmentId).Duplicate(x => x.Cursor);

        CaseRecordSchema.Configure(options);
        return options;
    }
}
