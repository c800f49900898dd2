using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Cases;
using Cases.Projections.Feed;
using Cases.Projections.Metrics;
using JasperFx.Events;
using Marten;

namespace Cases.Projections;

/// <summary>
/// Rebuilds the case read model and the dispatch feed in memory (a scratch copy) from the events, and compares them with the
/// live documents one by one; <see cref="MetricsShadow"/> does the same for the metrics. The events are read in pages; the
/// shadow holds one record per case, as a rebuild does.
/// </summary>
public static class ReadModelShadow
{
    public const string CaseRecords = nameof(CaseRecord);
    public const string DispatchFeed = nameof(DispatchFeedItem);

    /// <summary>Compares in a snapshot of its own; for a store nothing else writes to.</summary>
    /// <param name="feedUpToSequence">How far the dispatch feed's projection has got: later dispatches are not expected in it yet.</param>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(
        IDocumentStore store, long feedUpToSequence, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        await using var snapshot = await ReadModelSnapshot.OpenAsync(store, ct);
        return await CompareAsync(snapshot, feedUpToSequence, progress, ct);
    }

    /// <param name="snapshot">The live documents and the events, read as of one instant.</param>
    /// <param name="feedUpToSequence">The dispatch feed's progress in that snapshot: later dispatches are not expected in it yet.</param>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(
        ReadModelSnapshot snapshot, long feedUpToSequence, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        // The case read model is inline: in the snapshot it is exactly as new as the events it sees.
        var replay = new Replay(feedUpToSequence);
        await EventPages.ForEachAsync(snapshot.Session, await snapshot.LastEventAsync(ct), replay.Fold, progress, ct);
        return await CompareAsync(snapshot, replay, ct);
    }

    /// <summary>Compares the live case records and dispatch feed in <paramref name="snapshot"/> with a replay of all its events.</summary>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(ReadModelSnapshot snapshot, Replay replay, CancellationToken ct = default)
    {
        var query = snapshot.Session;
        var differences = new List<ShadowDifference>();
        await CompareCasesAsync(query, replay.Records, differences, ct);

        var nodes = (await query.Query<GridNode>().ToListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var shadowFeed = new Dictionary<string, DispatchFeedItem>(StringComparer.Ordinal);
        foreach (var (sequence, caseId, dispatched) in replay.Dispatches)
        {
            if (replay.Records.GetValueOrDefault(caseId) is { } record)
            {
                shadowFeed[dispatched.DispatchId.ToString()] = DispatchFeedProjection.ItemAmong(sequence, dispatched, record, nodes);
            }
        }

        var feedUpToSequence = replay.FeedUpToSequence;
        var liveFeed = (await query.Query<DispatchFeedItem>().Where(i => i.Cursor <= feedUpToSequence).ToListAsync(ct))
            .ToDictionary(i => i.Id.ToString(), StringComparer.Ordinal);
        MetricsShadow.Compare(DispatchFeed, liveFeed, shadowFeed, differences);
        return differences;
    }

    /// <summary>
    /// The case records and the dispatches folded in memory from the events, in order; the dispatch feed is expected to
    /// hold the dispatches up to <see cref="FeedUpToSequence"/>.
    /// </summary>
    public sealed class Replay(long feedUpToSequence)
    {
        private static readonly HashSet<Type> CaseEvents = [.. CaseEventTypes.All];

        public long FeedUpToSequence { get; } = feedUpToSequence;

        public Dictionary<Guid, CaseRecord?> Records { get; } = [];

        public List<(long Sequence, Guid CaseId, CaseDispatched Event)> Dispatches { get; } = [];

        /// <summary>Folds the next event; events come in sequence order.</summary>
        public void Fold(IEvent e)
        {
            if (!CaseEvents.Contains(e.EventType))
            {
                return;
            }

            Records[e.StreamId] = CaseRecord.Fold(Records.GetValueOrDefault(e.StreamId), e.Data) with { Id = e.StreamId };
            if (e.Data is CaseDispatched dispatched && e.Sequence <= FeedUpToSequence)
            {
                Dispatches.Add((e.Sequence, e.StreamId, dispatched));
            }
        }
    }

    private static async Task CompareCasesAsync(
        IQuerySession query, Dictionary<Guid, CaseRecord?> shadow, List<ShadowDifference> differences, CancellationToken ct)
    {
        var seen = new HashSet<Guid>();
        await foreach (var live in query.Query<CaseRecord>().ToAsyncEnumerable(ct))
        {
            seen.Add(live.Id);
            var rebuilt = shadow.GetValueOrDefault(live.Id);
            var l = MetricsShadow.Canonical(live);
            var s = rebuilt is null ? null : MetricsShadow.Canonical(rebuilt);
            if (l != s)
            {
                differences.Add(new ShadowDifference(CaseRecords, live.Id.ToString(), l, s));
            }
        }

        foreach (var (id, rebuilt) in shadow.Where(p => p.Value is not null && !seen.Contains(p.Key)))
        {
            differences.Add(new ShadowDifference(CaseRecords, id.ToString(), null, MetricsShadow.Canonical(rebuilt!)));
        }
    }
}
