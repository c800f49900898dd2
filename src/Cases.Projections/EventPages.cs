using JasperFx.Events;
using Marten;

namespace Cases.Projections;

/// <summary>Every event up to a sequence, in order, a page per round trip, as the session's snapshot sees them.</summary>
public static class EventPages
{
    public const int PageSize = 5000;

    /// <summary>Hands each event to <paramref name="apply"/>; returns how many there were.</summary>
    public static async Task<long> ForEachAsync(
        IQuerySession session, long upToSequence, Action<IEvent> apply, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        long after = 0, count = 0;
        while (after < upToSequence)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.Sequence <= upToSequence)
                .OrderBy(e => e.Sequence)
                .Take(PageSize)
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var e in page)
            {
                apply(e);
            }

            after = page[^1].Sequence;
            count += page.Count;
            progress?.Report((after, upToSequence));
        }

        return count;
    }
}
