using Cases.Domain;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Cases.Projections.Metrics;

/// <summary>
/// The metrics rollups, run by the async daemon. For each page of events it folds the touched cases' facts,
/// takes each case's old contribution out of its buckets and puts the new one in, all in the page's
/// transaction. The rollups are kept between pages and written back in one statement (<see cref="HeldRollups"/>).
/// Queries then read a handful of buckets instead of scanning events.
/// </summary>
public sealed class MetricsProjection : IProjection
{
    public const string Name = "metrics";

    /// <summary>The rollups kept between pages (the projection runs one page at a time).</summary>
    private readonly HeldRollups rollups = new();

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var byCase = events.Where(e => e.Data is ICaseEvent).GroupBy(e => e.StreamId).ToList();
        if (byCase.Count == 0)
        {
            return;
        }

        var known = (await operations.LoadManyAsync<CaseFacts>(cancellation, byCase.Select(g => g.Key).ToArray())).ToDictionary(f => f.Id);
        var changes = new List<(CaseFacts? Before, CaseFacts After)>();
        foreach (var stream in byCase)
        {
            var before = known.GetValueOrDefault(stream.Key);
            var after = before;
            foreach (var e in stream.OrderBy(e => e.Version))
            {
                try
                {
                    after = CaseFacts.Fold(after, e.Data);
                }
                catch (InvalidOperationException error)
                {
                    // A poison event: record it where GET /api/projections shows it, skip it, and go on.
                    operations.Store(DeadLetter(e, error));
                }
            }

            if (after is null || ReferenceEquals(before, after))
            {
                continue;
            }

            operations.Store(after);
            changes.Add((before, after));
        }

        var bucketIds = changes
            .SelectMany(c => IdsOf(c.Before).Concat(IdsOf(c.After)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var buckets = await rollups.TakeAsync(operations, bucketIds, cancellation);
        foreach (var (before, after) in changes)
        {
            Apply(buckets, before, -1);
            Apply(buckets, after, +1);
        }

        rollups.Write(operations, buckets.Values);
    }

    /// <summary>The record of an event the fold could not apply.</summary>
    public static ProjectionDeadLetter DeadLetter(IEvent e, Exception error) =>
        new($"{Name}:{e.Sequence}", Name, e.Sequence, e.StreamId, e.EventTypeName, error.Message, DateTimeOffset.UtcNow);

    private static IEnumerable<string> IdsOf(CaseFacts? facts) =>
        facts is null ? [] : MetricsBucket.KeysOf(facts).Select(key => key.Id);

    /// <summary>Adds (+1) or takes out (-1) one case's contribution to every bucket it counts in.</summary>
    public static void Apply(Dictionary<string, MetricsBucket> buckets, CaseFacts? facts, int sign) =>
        AddInto(buckets, facts, sign, key => key.Id);

    /// <summary>As <see cref="Apply"/>, with the buckets found by <paramref name="keyOf"/> (the rebuild's by value, the pages' by id).</summary>
    public static void AddInto<TKey>(Dictionary<TKey, MetricsBucket> buckets, CaseFacts? facts, int sign, Func<BucketKey, TKey> keyOf)
        where TKey : notnull
    {
        if (facts is null)
        {
            return;
        }

        foreach (var key in MetricsBucket.KeysOf(facts))
        {
            var found = keyOf(key);
            if (!buckets.TryGetValue(found, out var bucket))
            {
                bucket = key.NewBucket();
                buckets[found] = bucket;
            }

            bucket.Apply(facts, sign);
        }
    }
}

/// <summary>An event a projection could not apply. It was skipped; the projection went on.</summary>
public sealed record ProjectionDeadLetter(string Id, string Projection, long Sequence, Guid StreamId, string EventType, string Error, DateTimeOffset RecordedAt)
{
    public static readonly string Table = "mt_doc_" + nameof(ProjectionDeadLetter).ToLowerInvariant();
}
