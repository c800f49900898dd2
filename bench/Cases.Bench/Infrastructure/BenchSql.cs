using Npgsql;

namespace Cases.Bench.Infrastructure;

/// <summary>Small read-only queries on the bench database: the event store's and Wolverine's tables, found by name.</summary>
public static class BenchSql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The schema that holds <paramref name="table"/> (Marten's <c>mt_events</c>, Wolverine's envelopes), or null.</summary>
    public static async Task<string?> SchemaOfAsync(string connectionString, string table, CancellationToken ct) =>
        await ScalarAsync<string?>(connectionString,
            "select table_schema from information_schema.tables where table_name = $1 order by table_schema limit 1", ct, table);

    /// <summary>How many events the store holds (the highest sequence number).</summary>
    public static async Task<long> EventCountAsync(string connectionString, CancellationToken ct) =>
        await SchemaOfAsync(connectionString, "mt_events", ct) is { } schema
            ? await ScalarAsync<long>(connectionString, $"select count(*) from {schema}.mt_events", ct)
            : 0;

    public static async Task<long> MaxSequenceAsync(string connectionString, CancellationToken ct) =>
        await SchemaOfAsync(connectionString, "mt_events", ct) is { } schema
            ? await ScalarAsync<long>(connectionString, $"select coalesce(max(seq_id), 0) from {schema}.mt_events", ct)
            : 0;

    /// <summary>Wolverine's scheduled messages waiting in the durable inbox (the clocks' pending timers).</summary>
    public static async Task<long?> PendingScheduledAsync(string connectionString, CancellationToken ct) =>
        await SchemaOfAsync(connectionString, "wolverine_incoming_envelopes", ct) is { } schema
            ? await ScalarAsync<long>(connectionString, $"select count(*) from {schema}.wolverine_incoming_envelopes where status = 'Scheduled'", ct)
            : null;

    /// <summary>
    /// Holes in the event sequence above <paramref name="after"/>: numbers drawn by a transaction that rolled back. Each one holds the
    /// projection daemon's high-water mark until Marten's stale-sequence threshold passes. Returns the holes and the numbers missing.
    /// </summary>
    public static async Task<(long Gaps, long Missing)> SequenceGapsAsync(string connectionString, long after, CancellationToken ct)
    {
        var schema = await SchemaOfAsync(connectionString, "mt_events", ct) ?? "cases";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            select count(*) filter (where step > 1), coalesce(sum(step - 1) filter (where step > 1), 0)
            from (select seq_id - lag(seq_id) over (order by seq_id) as step from {schema}.mt_events where seq_id >= $1) s
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
