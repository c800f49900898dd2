using Cases.Projections.Metrics;

namespace Cases.Projections;

/// <summary>
/// Every read model compared with its replay in one pass over the events: the metrics (<see cref="MetricsShadow"/>), up
/// to the metrics projection's progress, and the case records and dispatch feed (<see cref="ReadModelShadow"/>), up to
/// the last event. The two shadows read the events once each before; reading and deserializing the events is most of a
/// verify's time, as it was of a rebuild's.
/// </summary>
public static class ReadModelVerification
{
    /// <param name="snapshot">The live documents, the events and the progress, read as of one instant.</param>
    /// <param name="metricsUpToSequence">The metrics projection's progress in that snapshot.</param>
    /// <param name="feedUpToSequence">The dispatch feed's progress in that snapshot.</param>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(
        ReadModelSnapshot snapshot, long metricsUpToSequence, long feedUpToSequence,
        IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var metrics = new MetricsReplay();
        var others = new ReadModelShadow.Replay(feedUpToSequence);
        await EventPages.ForEachAsync(snapshot.Session, await snapshot.LastEventAsync(ct), e =>
        {
            if (e.Sequence <= metricsUpToSequence)
            {
                metrics.Fold(e);
            }

            others.Fold(e);
        }, progress, ct);

        return [.. await MetricsShadow.CompareAsync(snapshot, metrics, ct), .. await ReadModelShadow.CompareAsync(snapshot, others, ct)];
    }
}
