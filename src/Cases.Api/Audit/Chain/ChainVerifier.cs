using System.Data;
using System.Security.Cryptography;
using Npgsql;

namespace Cases.Api.Audit.Chain;

/// <summary>What broke the chain at one event: <c>edited</c> (the row no longer matches its link), <c>deleted</c> (a linked row is
/// gone), <c>inserted</c> (a row no link covers), or <c>chainAltered</c> (a link does not follow from the one before, or a position is missing).</summary>
public sealed record ChainBreak(string Kind, long Sequence, long? Position);

/// <summary>The latest link: record <c>position</c> and <c>hash</c> outside the database, and compare them later.</summary>
public sealed record ChainHead(long Position, long Sequence, string Hash, DateTimeOffset? LinkedAt);

/// <summary>
/// The verdict over the whole store. <c>firstBrokenSequence</c> is the lowest event sequence where the chain breaks;
/// <c>breaks</c> lists the first hundred breaks (<c>breakCount</c> counts them all).
/// </summary>
public sealed record ChainReport(
    long EventsChecked, bool Ok, long? FirstBrokenSequence, string? BreakKind, long BreakCount, IReadOnlyList<ChainBreak> Breaks, ChainHead Head);

/// <summary>
/// Walks the chain in keyset pages inside one read-only snapshot, recomputing every row's digest in PostgreSQL (with the
/// expression this code sends, not a stored function) and every link here; memory stays bounded by one page.
/// </summary>
public sealed class ChainVerifier(NpgsqlDataSource dataSource, CasesOptions options)
{
    public const int PageSize = 10_000;
    private const int KeptBreaks = 100;

    public async Task<ChainHead> HeadAsync(CancellationToken ct) =>
        await ReadLinkAsync("order by position desc limit 1", null, ct) ?? Empty;

    /// <summary>The stored link at one position (null past the head): an auditor compares it with the head recorded back then.</summary>
    public Task<ChainHead?> LinkAsync(long position, CancellationToken ct) => ReadLinkAsync("where position = $1", position, ct);

    private async Task<ChainHead?> ReadLinkAsync(string clause, long? position, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select position, seq_id, hash, linked_at from {options.Schema}.{EventChainSchema.ChainTable} {clause}");
        if (position is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ChainHead(reader.GetInt64(0), reader.GetInt64(1), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(2)), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    public async Task<ChainReport> VerifyAsync(IProgress<(long Done, long Total)>? progress, CancellationToken ct)
    {
        var schema = options.Schema;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(ct);
        }

        var breaks = new Breaks();
        long expected;
        await using (var count = new NpgsqlCommand($"select coalesce(max(position), 0) from {schema}.{EventChainSchema.ChainTable}", connection, transaction))
        {
            expected = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        long checkedEvents = 0, position = 0, lastSequence = 0;
        DateTimeOffset? linkedAt = null;
        var previous = EventChainSchema.Genesis;
        var buffer = new byte[64];
        var sql = $"""
            select c.position, c.seq_id, c.digest, c.hash, c.linked_at, case when e.seq_id is null then null else {EventChainSchema.Digest("e")} end
            from {schema}.{EventChainSchema.ChainTable} c left join {schema}.mt_events e on e.seq_id = c.seq_id
            where c.position > $1 order by c.position limit {PageSize}
            """;
        while (true)
        {
            var rows = 0;
            await using (var page = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = position } } })
            await using (var reader = await page.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    rows++;
                    var linkPosition = reader.GetInt64(0);
                    var sequence = reader.GetInt64(1);
                    var digest = reader.GetFieldValue<byte[]>(2);
                    var hash = reader.GetFieldValue<byte[]>(3);
                    var actual = reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5);
                    previous.CopyTo(buffer, 0);
                    digest.CopyTo(buffer, 32);
                    if (actual is null)
                    {
                        breaks.Add("deleted", sequence, linkPosition);
                    }
                    else
                    {
                        checkedEvents++;
                        if (!actual.AsSpan().SequenceEqual(digest))
                        {
                            breaks.Add("edited", sequence, linkPosition);
                        }
                    }

                    if (linkPosition != position + 1 || !SHA256.HashData(buffer).AsSpan().SequenceEqual(hash))
                    {
                        breaks.Add("chainAltered", sequence, linkPosition);
                    }

                    previous = hash;
                    position = linkPosition;
                    lastSequence = sequence;
                    linkedAt = reader.GetFieldValue<DateTimeOffset>(4);
                }
            }

            progress?.Report((position, Math.Max(position, expected)));
            if (rows < PageSize)
            {
                break;
            }
        }

        var head = new ChainHead(position, lastSequence, Convert.ToHexStringLower(previous), linkedAt);

        // Rows no link covers: inserted with the trigger switched off, or copied in from elsewhere.
        await using (var unlinked = new NpgsqlCommand(
            $"select e.seq_id from {schema}.mt_events e where not exists (select 1 from {schema}.{EventChainSchema.ChainTable} c where c.seq_id = e.seq_id) order by e.seq_id",
            connection, transaction))
        await using (var reader = await unlinked.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                checkedEvents++;
                breaks.Add("inserted", reader.GetInt64(0), null);
            }
        }

        await transaction.CommitAsync(ct);
        var first = breaks.First;
        return new ChainReport(checkedEvents, breaks.Count == 0, first?.Sequence, first?.Kind, breaks.Count, breaks.Kept,
            head);
    }

    private static readonly ChainHead Empty = new(0, 0, Convert.ToHexStringLower(EventChainSchema.Genesis), null);

    /// <summary>Keeps the first breaks in the order found and the lowest sequence among all of them.</summary>
    private sealed class Breaks
    {
        public List<ChainBreak> Kept { get; } = [];

        public long Count { get; private set; }

        public ChainBreak? First { get; private set; }

        public void Add(string kind, long sequence, long? position)
        {
            var found = new ChainBreak(kind, sequence, position);
            Count++;
            if (Kept.Count < KeptBreaks)
            {
                Kept.Add(found);
            }

            if (First is null || sequence < First.Sequence)
            {
                First = found;
            }
        }
    }
}
