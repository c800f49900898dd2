using Marten;

namespace Cases.Projections.Metrics;

/// <summary>
/// The rollups the live metrics projection keeps between pages, each with the version (<c>mt_version</c>) it wrote or
/// read, and its reads and writes of them.
/// <para>
/// Why: under intake a page holds a few dozen to a few hundred events and touches three to ten rollups per event
/// (each case counts in its day, its month and its month across categories, at every level of the grid above it),
/// mostly the same current days and months page after page. Loading every touched rollup's JSON and writing each back
/// through its own upsert was most of a page's cost, and the daemon fell behind the intake.
/// </para>
/// <para>
/// A page asks the store for the touched rollups' versions and gets the JSON of only those whose version it does not
/// hold, so a rollup another writer changed (a rebuild, another node that ran the projection) is always read afresh.
/// The page's rollups go back in a few statements, each with a new version, each rollup's JSON a text of its own in an
/// array parameter of at most <see cref="RollupsPerStatement"/>. Rollups are taken out of
/// the held set while a page works on them and put back only as they are written, so a page that fails leaves
/// nothing behind that could be mistaken for the stored rollup.
/// </para>
/// </summary>
public sealed class HeldRollups(int capacity = HeldRollups.DefaultCapacity)
{
    /// <summary>A store's current days and months: a few hundred rollups per day of intake at the benchmark's grid.</summary>
    public const int DefaultCapacity = 8192;

    /// <summary>The most rollups one write statement carries (each one's JSON a text of its own).</summary>
    public const int RollupsPerStatement = 250;

    private readonly Dictionary<string, Row> held = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The stored rollups with these ids (those that exist), taken out of the held set.</summary>
    public async Task<Dictionary<string, MetricsBucket>> TakeAsync(IDocumentOperations operations, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<string, MetricsBucket>(StringComparer.Ordinal);
        }

        var candidates = new Dictionary<string, Row>(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var id in ids)
            {
                if (held.Remove(id, out var row))
                {
                    candidates[id] = row;
                }
            }
        }

        var schema = operations.DocumentStore.Options.DatabaseSchemaName;
        var rows = await operations.AdvancedSql.QueryAsync<Row>(
            $"""
            select jsonb_build_object('rollup', id, 'version', mt_version, 'data', case when mt_version = any(?) then null else data end)
            from {schema}.{MetricsBucketSchemaAttribute.Table} where id = any(?)
            """,
            ct,
            candidates.Values.Select(r => r.Version).ToArray(),
            ids.ToArray());

        var taken = new Dictionary<string, MetricsBucket>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Data is { } data)
            {
                taken[row.Rollup] = data;
            }
            else if (candidates.TryGetValue(row.Rollup, out var mine) && mine.Version == row.Version && mine.Data is { } copy)
            {
                taken[row.Rollup] = copy;
            }
            else
            {
                throw new InvalidOperationException($"Rollup {row.Rollup}: the store sent no JSON for version {row.Version}, which is not held.");
            }
        }

        return taken;
    }

    /// <summary>
    /// Queues the writes of a page's rollups in its transaction: the non-empty ones upserted with a new version each
    /// (and held again), the empty ones deleted, as a rebuild would not write them.
    /// </summary>
    public void Write(IDocumentOperations operations, IEnumerable<MetricsBucket> buckets)
    {
        var store = operations.DocumentStore.Options;
        var schema = store.DatabaseSchemaName;
        var serializer = store.Serializer();
        var kept = new List<Row>();
        var emptied = new List<string>();
        foreach (var bucket in buckets)
        {
            if (bucket.IsEmpty)
            {
                emptied.Add(bucket.Id);
            }
            else
            {
                kept.Add(new Row { Rollup = bucket.Id, Version = Guid.NewGuid(), Data = bucket });
            }
        }

        // Each rollup is its own JSON text in an array parameter: a page's rollups as one JSON array were one string of
        // megabytes (hundreds of kilobytes in chunks of 250), a large-object allocation that failed with
        // OutOfMemoryException under the API's capped GC heap and paused the projection. A rollup's text is a few kilobytes.
        foreach (var chunk in kept.Chunk(RollupsPerStatement))
        {
            operations.QueueSqlCommand(
                $"""
                insert into {schema}.{MetricsBucketSchemaAttribute.Table} as b (id, data, mt_version, mt_dotnet_type, mt_last_modified, scope, grain, category, day)
                select r ->> 'rollup', r -> 'data', (r ->> 'version')::uuid, ?, transaction_timestamp(),
                       r -> 'data' ->> 'scope', r -> 'data' ->> 'grain', r -> 'data' ->> 'category', (r -> 'data' ->> 'day')::date
                from unnest(?::jsonb[]) r
                on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_last_modified = excluded.mt_last_modified
                """,
                typeof(MetricsBucket).FullName!,
                chunk.Select(serializer.ToJson).ToArray());
        }

        if (emptied.Count > 0)
        {
            operations.QueueSqlCommand($"delete from {schema}.{MetricsBucketSchemaAttribute.Table} where id = any(?)", emptied.ToArray());
        }

        lock (gate)
        {
            if (held.Count + kept.Count > capacity)
            {
                held.Clear();
            }

            foreach (var row in kept)
            {
                held[row.Rollup] = row;
            }
        }
    }

    /// <summary>A rollup as the statements above send and return it: the JSON only where the reader does not hold it.</summary>
    public sealed class Row
    {
        /// <summary>The rollup's id (not named <c>Id</c>: Marten would take the row for a document).</summary>
        public string Rollup { get; set; } = "";

        public Guid Version { get; set; }

        public MetricsBucket? Data { get; set; }
    }
}
