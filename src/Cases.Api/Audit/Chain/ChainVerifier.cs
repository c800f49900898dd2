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
/// <c>breaks</c> lists the first hundred breaks (<c>breakCount</c> counts them all). <c>unsealed</c> counts the links committed
/// after the seal this verdict began with: checked within their streams, not yet folded into the store-wide chain.
/// </summary>
public sealed record ChainReport(
    long EventsChecked, bool Ok, long? FirstBrokenSequence, string? BreakKind, long BreakCount, IReadOnlyList<ChainBreak> Breaks, ChainHead Head, long Unsealed);

/// <summary>
/// Seals what is committed, then walks both tiers of the chain in keyset pages inside one read-only snapshot: the store-wide
/// chain in position order, and every stream's links in version order with each row's digest recomputed in PostgreSQL (with the
/// expression this code sends, not a stored function); the links are recomputed here. Memory stays bounded by one page.
/// </summary>
public sealed class ChainVerifier(NpgsqlDataSource dataSource, CasesOptions options)
{
    public const int PageSize = 10_000;
    private const int KeptBreaks = 100;

    private string Links => $"{options.Schema}.{EventChainSchema.ChainTable}";

    /// <summary>Folds the committed links into the store-wide chain; the head and a verdict read afterwards cover them.</summary>
    public Task SealAsync(CancellationToken ct) => EventChainSchema.SealAsync(dataSource, options.Schema, ct);

    public async Task<ChainHead> HeadAsync(CancellationToken ct)
    {
        await SealAsync(ct);
        return await ReadLinkAsync("where position is not null order by position desc limit 1", null, ct) ?? Empty;
    }

    /// <summary>The stored link at one position (null past the head): an auditor compares it with the head recorded back then.</summary>
    public Task<ChainHead?> LinkAsync(long position, CancellationToken ct) => ReadLinkAsync("where position = $1", position, ct);

    private async Task<ChainHead?> ReadLinkAsync(string clause, long? position, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select position, seq_id, hash, sealed_at from {Links} {clause}");
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
        await SealAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(ct);
        }

        long links, unsealed;
        await using (var count = new NpgsqlCommand($"select count(*), count(*) filter (where position is null) from {Links}", connection, transaction))
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (links, unsealed) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var breaks = new Breaks();
        var walk = new Progress(progress, 2 * links);
        var head = await StoreWideAsync(connection, transaction, breaks, walk, ct);
        var checkedEvents = await StreamsAsync(connection, transaction, breaks, walk, ct);

        // Rows no link covers: inserted with the trigger switched off, or copied in from elsewhere.
        await using (var unlinked = new NpgsqlCommand(
            $"select e.seq_id from {options.Schema}.mt_events e where not exists (select 1 from {Links} c where c.seq_id = e.seq_id) order by e.seq_id",
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
        return new ChainReport(checkedEvents, breaks.Count == 0, first?.Sequence, first?.Kind, breaks.Count, breaks.Kept, head, unsealed);
    }

    /// <summary>The store-wide chain, position by position: no position missing, every hash following from the one before.</summary>
    private async Task<ChainHead> StoreWideAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Breaks breaks, Progress walk, CancellationToken ct)
    {
        long position = 0, lastSequence = 0;
        DateTimeOffset? sealedAt = null;
        var previous = EventChainSchema.Genesis;
        var buffer = new byte[64];
        var sql = $"select position, seq_id, link, hash, sealed_at from {Links} where position > $1 order by position limit {PageSize}";
        for (var rows = PageSize; rows == PageSize;)
        {
            rows = 0;
            await using var page = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = position } } };
            await using var reader = await page.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows++;
                var linkPosition = reader.GetInt64(0);
                var sequence = reader.GetInt64(1);
                var hash = reader.GetFieldValue<byte[]>(3);
                previous.CopyTo(buffer, 0);
                reader.GetFieldValue<byte[]>(2).CopyTo(buffer, 32);
                if (linkPosition != position + 1 || !SHA256.HashData(buffer).AsSpan().SequenceEqual(hash))
                {
                    breaks.Add("chainAltered", sequence, linkPosition);
                }

                (previous, position, lastSequence, sealedAt) = (hash, linkPosition, sequence, reader.GetFieldValue<DateTimeOffset>(4));
            }

            walk.Advance(rows);
        }

        return new ChainHead(position, lastSequence, Convert.ToHexStringLower(previous), sealedAt);
    }

    /// <summary>
    /// Every stream's links in version order: the row still there and unchanged, no version missing, and every link following
    /// from the one before. Returns how many event rows it checked.
    /// </summary>
    private async Task<long> StreamsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Breaks breaks, Progress walk, CancellationToken ct)
    {
        long checkedEvents = 0, version = 0;
        var stream = Guid.Empty;
        var previous = EventChainSchema.Genesis;
        var buffer = new byte[64];
        var sql = $"""
            select c.seq_id, c.stream_id, c.version, c.digest, c.link, c.position, case when e.seq_id is null then null else {EventChainSchema.Digest("e")} end
            from {Links} c left join {options.Schema}.mt_events e on e.seq_id = c.seq_id
            where (c.stream_id, c.version) > ($1, $2) order by c.stream_id, c.version limit {PageSize}
            """;
        for (var rows = PageSize; rows == PageSize;)
        {
            rows = 0;
            await using var page = new NpgsqlCommand(sql, connection, transaction) { Parameters = { new() { Value = stream }, new() { Value = version } } };
            await using var reader = await page.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows++;
                var sequence = reader.GetInt64(0);
                var linkStream = reader.GetGuid(1);
                var linkVersion = reader.GetInt64(2);
                var digest = reader.GetFieldValue<byte[]>(3);
                var link = reader.GetFieldValue<byte[]>(4);
                long? position = reader.IsDBNull(5) ? null : reader.GetInt64(5);
                if (linkStream != stream)
                {
                    (stream, version, previous) = (linkStream, 0, EventChainSchema.Genesis);
                }

                if (reader.IsDBNull(6))
                {
                    breaks.Add("deleted", sequence, position);
                }
                else
                {
                    checkedEvents++;
                    if (!reader.GetFieldValue<byte[]>(6).AsSpan().SequenceEqual(digest))
                    {
                        breaks.Add("edited", sequence, position);
                    }
                }

                previous.CopyTo(buffer, 0);
                digest.CopyTo(buffer, 32);
                if (linkVersion != version + 1 || !SHA256.HashData(buffer).AsSpan().SequenceEqual(link))
                {
                    breaks.Add("chainAltered", sequence, position);
                }

                (previous, version) = (link, linkVersion);
            }

            walk.Advance(rows);
        }

        return checkedEvents;
    }

    private sealed class Progress(IProgress<(long Done, long Total)>? progress, long total)
    {
        private long _done;

        public void Advance(int rows)
        {
            _done += rows;
            progress?.Report((_done, Math.Max(_done, total)));
        }
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
