using System.Collections.Concurrent;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;

namespace Cases.Projections;

/// <summary>
/// Reads pages of events straight from <c>mt_events</c> with Npgsql and deserializes each event's JSON in one synchronous
/// call on its bytes, into the same <see cref="IEvent"/> Marten's event query returns (its mapping wraps the data; the
/// metadata columns are copied). Marten's query deserialized each event from a stream, asynchronously: in a profile of
/// the rebuild that was the largest share of the fold's CPU. Only for bulk reads in a snapshot (the rebuild); the service
/// reads events through Marten.
/// </summary>
internal sealed class EventRows(IDocumentStore store)
{
    private readonly string _table = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
    private readonly EventGraph _events = (EventGraph)store.Options.Events;
    private readonly Marten.Services.SystemTextJsonSerializer _serializer = (Marten.Services.SystemTextJsonSerializer)store.Options.Serializer();
    private readonly ConcurrentDictionary<string, (Type Type, EventMapping Mapping)> _types = new(StringComparer.Ordinal);

    /// <summary>The events after <paramref name="after"/> up to <paramref name="upTo"/>, in order, as the connection's transaction sees them.</summary>
    public async Task<IReadOnlyList<IEvent>> PageAsync(NpgsqlConnection connection, long after, long upTo, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select seq_id, id, stream_id, version, type, timestamp, tenant_id, correlation_id, causation_id, headers, data
            from {_table} where seq_id > $1 and seq_id <= $2 and is_archived = false order by seq_id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = upTo });
        var page = new List<IEvent>((int)Math.Min(upTo - after, EventPages.PageSize));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var typeName = reader.GetString(4);
            var (type, mapping) = _types.GetOrAdd(typeName, Resolve);
            var data = _serializer.FromJson(type, new MemoryStream(reader.GetFieldValue<byte[]>(10), writable: false));
            var e = mapping.Wrap(data);
            e.Sequence = reader.GetInt64(0);
            e.Id = reader.GetGuid(1);
            e.StreamId = reader.GetGuid(2);
            e.Version = reader.GetInt64(3);
            e.EventTypeName = typeName;
            e.DotNetTypeName = mapping.DotNetTypeName;
            e.Timestamp = reader.GetFieldValue<DateTimeOffset>(5);
            e.TenantId = reader.IsDBNull(6) ? e.TenantId : reader.GetString(6);
            e.CorrelationId = reader.IsDBNull(7) ? null : reader.GetString(7);
            e.CausationId = reader.IsDBNull(8) ? null : reader.GetString(8);
            e.Headers = reader.IsDBNull(9) ? null : _serializer.FromJson<Dictionary<string, object>>(new MemoryStream(reader.GetFieldValue<byte[]>(9), writable: false));
            page.Add(e);
        }

        return page;
    }

    private (Type, EventMapping) Resolve(string typeName)
    {
        var type = _events.AllKnownEventTypes().FirstOrDefault(t => t.EventTypeName == typeName)?.EventType
                   ?? throw new InvalidOperationException($"No event type is registered as '{typeName}'.");
        return (type, _events.EventMappingFor(type));
    }
}
