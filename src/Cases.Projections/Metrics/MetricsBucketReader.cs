using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Cases.Projections.Metrics;

/// <summary>
/// Adds up rollups for the leaders' queries straight from their table, over the composite index
/// (<see cref="MetricsBucketSchemaAttribute"/>), and keeps the rollups it has read, each with the version
/// (<c>mt_version</c>) it was read at. Every write of a rollup, the daemon's and the rebuild's, stamps a new version, so
/// one statement both lists the rollups a query covers and sends the JSON of only those whose version the reader does
/// not hold: the answer is exactly the store's, and an unchanged month costs neither PostgreSQL's JSON output nor a parse.
/// <para>
/// Why: a district summary covers a dozen month rollups of about 8 KB each. Turning them into text took PostgreSQL
/// about 1.6 ms per summary (pgbench, 13 rows: 1.9 ms with the JSON, 0.3 ms without); through Marten's LINQ query,
/// profiled with dotnet-trace, a third of the API's CPU went to System.Text.Json's resumable (streaming)
/// deserialization and to collecting each rollup's five maps. Old months rarely change; the current one does.
/// </para>
/// </summary>
public sealed class MetricsBucketReader(NpgsqlDataSource dataSource, string schema, int capacity = MetricsBucketReader.DefaultCapacity)
{
    /// <summary>
    /// Rollups held: a district's year of months is 13, each street's another 13; a ranking of the micro-grids reads
    /// tens of thousands and goes through the cache. A held rollup costs from about 1 KB (a micro-grid's month) to
    /// about 20 KB (the district's).
    /// </summary>
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<string, Held> held = new(StringComparer.Ordinal);
    private long clock;
    private long reads;
    private long fromCache;

    /// <summary>How many rollups the reader has added up, and how many of them came from what it held.</summary>
    public (long Reads, long FromCache) Counts => (Interlocked.Read(ref reads), Interlocked.Read(ref fromCache));

    /// <summary>
    /// Adds the rollups of the given scopes and grain whose day falls in [from, to), for one category or all, each to
    /// the total <paramref name="into"/> picks by its scope and day.
    /// </summary>
    public async Task AddUpAsync(
        IReadOnlyCollection<string> scopes, string grain, string? category, DateOnly from, DateOnly to,
        Func<string, DateOnly, MetricsTotals> into, CancellationToken ct)
    {
        var scopeSet = scopes.ToHashSet(StringComparer.Ordinal);
        var known = held.Values
            .Where(h => h.Grain == grain && (category is null || h.Category == category) && h.Day >= from && h.Day < to && scopeSet.Contains(h.Scope))
            .Select(h => h.Version)
            .ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = Command(schema, scopes, grain, category, from, to, known);
        command.Connection = connection;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var added = 0;
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            var scope = reader.GetString(1);
            var day = reader.GetFieldValue<DateOnly>(2);
            var version = reader.GetGuid(3);
            if (!reader.IsDBNull(5) || !held.TryGetValue(id, out var entry) || entry.Version != version)
            {
                // Null JSON for a version no longer held (another request dropped it meanwhile) is read again.
                var json = reader.IsDBNull(5) ? await JsonOfAsync(id, ct) : reader.GetFieldValue<byte[]>(5);
                if (json is null)
                {
                    continue; // Emptied and deleted in between: it counts nothing now.
                }

                var rollup = new MetricsTotals();
                rollup.Add(json);
                entry = new Held(scope, grain, reader.GetString(4), day, version, rollup);

                // A query that covers more rollups than half of what is held (a ranking of every micro-grid) would only
                // push out what the next summaries need: it keeps the first half's worth.
                if (++added <= capacity / 2)
                {
                    held[id] = entry;
                }
            }
            else
            {
                Interlocked.Increment(ref fromCache);
            }

            entry.LastUsed = Interlocked.Increment(ref clock);
            Interlocked.Increment(ref reads);
            into(scope, day).Add(entry.Rollup);
        }

        Trim();
    }

    /// <summary>
    /// The statement <see cref="AddUpAsync"/> sends, without a connection: id, scope, day, version, category and, unless
    /// the version is among <paramref name="known"/>, the JSON of each rollup.
    /// </summary>
    public static NpgsqlCommand Command(
        string schema, IReadOnlyCollection<string> scopes, string grain, string? category, DateOnly from, DateOnly to, Guid[] known)
    {
        var scopeTest = scopes.Count == 1 ? "scope = @scope" : "scope = any(@scopes)";
        var categoryTest = category is null ? "" : " and category = @category";
        var command = new NpgsqlCommand(
            $"select id, scope, day, mt_version, category, case when mt_version = any(@known) then null else data end " +
            $"from {schema}.{MetricsBucketSchemaAttribute.Table} where {scopeTest} and grain = @grain{categoryTest} and day >= @from and day < @to");
        if (scopes.Count == 1)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("scope", NpgsqlDbType.Varchar) { TypedValue = scopes.First() });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("scopes", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = [.. scopes] });
        }

        command.Parameters.Add(new NpgsqlParameter<string>("grain", NpgsqlDbType.Varchar) { TypedValue = grain });
        if (category is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("category", NpgsqlDbType.Varchar) { TypedValue = category });
        }

        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", NpgsqlDbType.Date) { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", NpgsqlDbType.Date) { TypedValue = to });
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("known", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = known });
        return command;
    }

    private async Task<byte[]?> JsonOfAsync(string id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select data from {schema}.{MetricsBucketSchemaAttribute.Table} where id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Varchar) { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetFieldValue<byte[]>(0) : null;
    }

    /// <summary>Past the capacity, drops the quarter of the held rollups used longest ago.</summary>
    private void Trim()
    {
        if (held.Count <= capacity)
        {
            return;
        }

        foreach (var stale in held.OrderBy(p => p.Value.LastUsed).Take(held.Count - (capacity * 3 / 4)).Select(p => p.Key).ToList())
        {
            held.TryRemove(stale, out _);
        }
    }

    private sealed record Held(string Scope, string Grain, string Category, DateOnly Day, Guid Version, MetricsTotals Rollup)
    {
        public long LastUsed { get; set; }
    }
}

/// <summary>The rollup's stored members, as Marten writes them (camelCase), generated at compile time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MetricCounts))]
internal sealed partial class MetricsBucketJson : JsonSerializerContext;
