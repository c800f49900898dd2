using Cases.Api.Infrastructure.Security;
using Cases.Projections;
using Cases.Projections.Metrics;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Wolverine.Http;

namespace Cases.Api.Metrics;

public sealed record ProjectionProgress(string Name, long LastSequence, long HighWaterMark, long LagEvents, double LagSeconds, DateTimeOffset? LastUpdated, long DeadLetters);

/// <summary>Reads the async daemon's progress straight from Marten's tables: cheap, and true across nodes.</summary>
public sealed class ProjectionStatus(NpgsqlDataSource dataSource, CasesOptions options)
{
    public async Task<IReadOnlyList<ProjectionProgress>> ReadAsync(CancellationToken ct)
    {
        var schema = options.Schema;
        var progress = new Dictionary<string, (long Sequence, DateTimeOffset? Updated)>(StringComparer.Ordinal);
        long highWaterMark = 0;
        await using (var command = dataSource.CreateCommand($"select name, last_seq_id, last_updated from {schema}.mt_event_progression"))
        {
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var name = reader.GetString(0);
                    var sequence = reader.GetInt64(1);
                    DateTimeOffset? updated = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
                    if (name == "HighWaterMark")
                    {
                        highWaterMark = sequence;
                    }
                    else
                    {
                        progress[name.Split(':')[0]] = (sequence, updated);
                    }
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // No event has been written yet.
            }
        }

        var latest = await ScalarAsync<long>($"select coalesce(max(seq_id), 0) from {schema}.mt_events", ct);
        var deadLetters = await DeadLettersAsync(schema, ct);
        var result = new List<ProjectionProgress>();
        foreach (var name in ProjectionsRegistration.AsyncProjections)
        {
            var (sequence, updated) = progress.GetValueOrDefault(name);
            var lagSeconds = sequence >= latest ? 0 : await LagSecondsAsync(schema, sequence, latest, ct);
            result.Add(new ProjectionProgress(name, sequence, Math.Max(highWaterMark, latest), Math.Max(0, latest - sequence), lagSeconds, updated, deadLetters.GetValueOrDefault(name)));
        }

        return result;
    }

    /// <summary>How far one projection has got, in one round trip: every metrics answer carries it.</summary>
    public async Task<AsOf> AsOfAsync(string projection, CancellationToken ct)
    {
        var schema = options.Schema;
        try
        {
            await using var command = dataSource.CreateCommand($"""
                select p.last_seq_id, e.timestamp, (select coalesce(max(seq_id), 0) from {schema}.mt_events)
                from (select coalesce(max(last_seq_id) filter (where name like @name), 0) as last_seq_id from {schema}.mt_event_progression) p
                left join {schema}.mt_events e on e.seq_id = p.last_seq_id
                """);
            command.Parameters.AddWithValue("name", projection + ":%");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var sequence = reader.GetInt64(0);
            DateTimeOffset? timestamp = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            return new AsOf(sequence, timestamp, reader.GetInt64(2));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return new AsOf(0, null, 0);
        }
    }

    private async Task<double> LagSecondsAsync(string schema, long sequence, long latest, CancellationToken ct)
    {
        // How old is the oldest event the projection has not applied yet.
        var oldest = await ScalarAsync<DateTimeOffset?>($"select timestamp from {schema}.mt_events where seq_id > {sequence} order by seq_id limit 1", ct);
        return oldest is { } t ? Math.Max(0, Math.Round((DateTimeOffset.UtcNow - t).TotalSeconds, 3)) : 0;
    }

    private async Task<Dictionary<string, long>> DeadLettersAsync(string schema, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await using var command = dataSource.CreateCommand($"select data ->> 'ProjectionName', count(*) from {schema}.mt_doc_deadletterevent group by 1");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!reader.IsDBNull(0))
                {
                    counts[reader.GetString(0).Split(':')[0]] = reader.GetInt64(1);
                }
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No dead letter yet.
        }

        try
        {
            await using var command = dataSource.CreateCommand($"select projection, count(*) from {schema}.{ProjectionDeadLetter.Table} group by 1");
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetString(0)] = counts.GetValueOrDefault(reader.GetString(0)) + reader.GetInt64(1);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No poison event yet.
        }

        return counts;
    }

    private async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand(sql);
            var value = await command.ExecuteScalarAsync(ct);
            return value is null or DBNull ? default : (T)(value is DateTime dt ? (object)new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : value);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return default;
        }
    }
}

public static class ProjectionsEndpoint
{
    /// <summary>Each async projection's progress and lag, in events and in seconds, and its dead letters.</summary>
    [WolverineGet("/api/projections", OperationId = "projections")]
    [Authorize(Roles = Roles.Operators)]
    [Tags("Metrics")]
    public static Task<IReadOnlyList<ProjectionProgress>> Get(ProjectionStatus status, CancellationToken ct) => status.ReadAsync(ct);
}
