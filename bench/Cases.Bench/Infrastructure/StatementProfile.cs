using Cases.Bench.Scenarios;
using Npgsql;

namespace Cases.Bench.Infrastructure;

/// <summary>One normalised statement's share of the database's work during a measurement.</summary>
public sealed record StatementCost(string Statement, long Calls, double TotalMs);

/// <summary>
/// Where PostgreSQL's time goes, from <c>pg_stat_statements</c> (preloaded by the embedded cluster): reset before a measurement,
/// read after it, this database only. Unavailable on a server without the module, and then silently skipped.
/// </summary>
public static class StatementProfile
{
    public static async Task<bool> ResetAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await BenchSql.ScalarAsync<object?>(connectionString, "create extension if not exists pg_stat_statements", ct);
            await BenchSql.ScalarAsync<object?>(connectionString, "select pg_stat_statements_reset()", ct);
            return true;
        }
        catch (PostgresException)
        {
            return false; // not preloaded, or not ours to reset
        }
    }

    public static async Task<List<StatementCost>> TopAsync(string connectionString, int count, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            select calls, total_exec_time, regexp_replace(query, '\s+', ' ', 'g')
            from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'
            order by total_exec_time desc limit $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var result = new List<StatementCost>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var text = reader.GetString(2);
            result.Add(new StatementCost(text.Length > 90 ? text[..90] + "…" : text, reader.GetInt64(0), reader.GetDouble(1)));
        }

        return result;
    }

    /// <summary>
    /// One statement's calls and time per unit of work (an appeal, an event) as a report row: how often it ran per
    /// <paramref name="unit"/> and the database time it cost each one.
    /// </summary>
    public static ResultRow Row(string label, StatementCost statement, long count, string unit) =>
        new($"{label}: {statement.Calls / (double)Math.Max(1, count):0.##} x `{Escape(statement.Statement)}`",
            null, statement.TotalMs / Math.Max(1, count), $"ms/{unit}", null, null, 0, null, null, null);

    /// <summary>A statement's text fit for a Markdown table cell inside backticks.</summary>
    private static string Escape(string statement) =>
        statement.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
