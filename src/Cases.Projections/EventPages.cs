using System.Data;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Npgsql;

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
            var page = await PageAsync(session, after, upToSequence, ct);
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

    /// <summary>
    /// As <see cref="ForEachAsync"/>, with the pages read and deserialized on two connections while <paramref name="apply"/>
    /// folds the ones before, still in order. The second connection imports the session's snapshot
    /// (<c>pg_export_snapshot</c>), so both see exactly the same events: the session must be in a repeatable-read
    /// transaction. A page is a fixed range of sequence numbers, so each reader knows its next page without waiting for
    /// the other's; reading and deserializing were most of a fold's time, and one reader left a core idle. The pages are
    /// read straight from the table (<see cref="EventRows"/>), which cost the rebuild's process a fifth less CPU than
    /// Marten's event query.
    /// </summary>
    public static async Task<long> ForEachOnTwoConnectionsAsync(
        IQuerySession session, long upToSequence, Action<IEvent> apply, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var snapshot = (await session.QueryAsync<string>("select pg_export_snapshot()", ct))[0];
        await using var connection = session.DocumentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var import = new NpgsqlCommand($"set transaction snapshot '{snapshot}'", connection, transaction))
        {
            await import.ExecuteNonQueryAsync(ct);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pages = (upToSequence + PageSize - 1) / PageSize;
        var rows = new EventRows(session.DocumentStore);
        NpgsqlConnection[] connections = [session.Connection ?? throw new InvalidOperationException("The session must hold its connection (a transaction)."), connection];
        var channels = connections.Select(_ => Channel.CreateBounded<IReadOnlyList<IEvent>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true })).ToArray();
        var readers = connections.Select((c, i) => Task.Run(() => ReadAsync(rows, c, i, connections.Length, pages, upToSequence, channels[i].Writer, stop.Token), stop.Token)).ToArray();
        long count = 0;
        try
        {
            for (long k = 0; k < pages; k++)
            {
                var page = await channels[k % connections.Length].Reader.ReadAsync(stop.Token);
                foreach (var e in page)
                {
                    apply(e);
                }

                count += page.Count;
                progress?.Report((Math.Min(upToSequence, (k + 1) * PageSize), upToSequence));
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            try
            {
                await Task.WhenAll(readers);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The fold failed or was stopped; its exception is the one that matters.
            }
        }

        return count;
    }

    /// <summary>At most a page of the events after <paramref name="after"/> up to <paramref name="upTo"/>, in order.</summary>
    private static Task<IReadOnlyList<IEvent>> PageAsync(IQuerySession session, long after, long upTo, CancellationToken ct) =>
        session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.Sequence <= upTo)
            .OrderBy(e => e.Sequence)
            .Take(PageSize)
            .ToListAsync(ct);

    /// <summary>Reader <paramref name="index"/> of <paramref name="of"/>: pages index, index + of, ..., in order.</summary>
    private static async Task ReadAsync(
        EventRows rows, NpgsqlConnection connection, int index, int of, long pages, long upToSequence, ChannelWriter<IReadOnlyList<IEvent>> writer, CancellationToken ct)
    {
        try
        {
            for (long k = index; k < pages; k += of)
            {
                await writer.WriteAsync(await rows.PageAsync(connection, k * PageSize, Math.Min(upToSequence, (k + 1) * PageSize), ct), ct);
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }
}
