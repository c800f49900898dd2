using Cases.Domain;
using JasperFx.Events;
using Marten;

namespace Cases.Projections.Metrics;

/// <summary>
/// The metrics folded in memory from the events, in order: every case's facts, the rollup buckets they add up to,
/// and the events the fold could not apply. The projection folds the same way page by page; verify and the rebuild
/// fold the whole history once, so each case's facts and each bucket are computed once instead of once per page.
/// </summary>
public sealed class MetricsReplay
{
    private readonly Dictionary<Guid, CaseFacts?> _facts = [];
    private readonly List<ProjectionDeadLetter> _deadLetters = [];

    /// <summary>Every case with facts (a stream whose first event was not a raise has none).</summary>
    public IEnumerable<CaseFacts> Facts => _facts.Values.OfType<CaseFacts>();

    /// <summary>The events skipped as poison, as the projection records them.</summary>
    public IReadOnlyList<ProjectionDeadLetter> DeadLetters => _deadLetters;

    /// <summary>Folds every event after 0 and up to <paramref name="upToSequence"/> that <paramref name="session"/> sees.</summary>
    public static async Task<MetricsReplay> FoldAsync(
        IQuerySession session, long upToSequence, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var replay = new MetricsReplay();
        await EventPages.ForEachAsync(session, upToSequence, replay.Fold, progress, ct);
        return replay;
    }

    /// <summary>Folds the next event; events come in sequence order.</summary>
    public void Fold(IEvent e)
    {
        if (e.Data is not ICaseEvent)
        {
            return;
        }

        try
        {
            _facts[e.StreamId] = CaseFacts.Fold(_facts.GetValueOrDefault(e.StreamId), e.Data);
        }
        catch (InvalidOperationException error)
        {
            // A poison event: skipped, and recorded where GET /api/projections shows it, as the projection does.
            _deadLetters.Add(MetricsProjection.DeadLetter(e, error));
        }
    }

    /// <summary>
    /// The rollups: every case's contribution added into every bucket it counts in. A whole history adds millions of
    /// contributions into a few hundred thousand buckets, so they are found by key and each id is written once.
    /// </summary>
    public Dictionary<string, MetricsBucket> Buckets()
    {
        var byKey = new Dictionary<BucketKey, MetricsBucket>();
        foreach (var facts in Facts)
        {
            MetricsProjection.AddInto(byKey, facts, +1, key => key);
        }

        return byKey.Values.ToDictionary(b => b.Id, StringComparer.Ordinal);
    }
}
