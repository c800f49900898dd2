using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Cases.Projections.Metrics;

/// <summary>
/// Adds up rollups for the leaders' queries straight from their table, over the composite index
/// (<see cref="MetricsBucketSchemaAttribute"/>), each row from its bytes into a <see cref="MetricsTotals"/>.
/// A district summary reads a dozen month rollups of about 7 KB each. Through Marten's LINQ query, profiled with
/// dotnet-trace, a third of the request's CPU went to System.Text.Json's resumable (streaming) deserialization (the
/// rows arrive in pieces through Npgsql's 8 KB buffer, and each piece suspends and resumes the nested maps), and to
/// the collector reclaiming each rollup's five maps. The write side stays Marten's; these are the same documents.
/// </summary>
public static class MetricsBucketReader
{
    /// <summary>
    /// Adds the rollups of the given scopes and grain whose day falls in [from, to), for one category or all, each to
    /// the total <paramref name="into"/> picks by its scope and day.
    /// </summary>
    public static async Task AddUpAsync(
        NpgsqlDataSource dataSource, string schema, IReadOnlyCollection<string> scopes, string grain, string? category,
        DateOnly from, DateOnly to, Func<string, DateOnly, MetricsTotals> into, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = Command(schema, scopes, grain, category, from, to);
        command.Connection = connection;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            into(reader.GetString(0), reader.GetFieldValue<DateOnly>(1)).Add(reader.GetFieldValue<byte[]>(2));
        }
    }

    /// <summary>The statement <see cref="AddUpAsync"/> sends (scope, day, data of each rollup), without a connection.</summary>
    public static NpgsqlCommand Command(string schema, IReadOnlyCollection<string> scopes, string grain, string? category, DateOnly from, DateOnly to)
    {
        var scopeTest = scopes.Count == 1 ? "scope = @scope" : "scope = any(@scopes)";
        var categoryTest = category is null ? "" : " and category = @category";
        var command = new NpgsqlCommand(
            $"select scope, day, data from {schema}.{MetricsBucketSchemaAttribute.Table} where {scopeTest} and grain = @grain{categoryTest} and day >= @from and day < @to");
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
        return command;
    }
}

/// <summary>The rollup's stored members, as Marten writes them (camelCase), generated at compile time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MetricCounts))]
internal sealed partial class MetricsBucketJson : JsonSerializerContext;
