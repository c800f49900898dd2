using System.Text.Json;
using Cases.Api.Residents;
using Cases.Domain;
using Cases.Projections;
using Cases.Projections.Cases;
using JasperFx.Events;
using Marten;

namespace Cases.Api.Audit;

/// <summary>One line of an export: one event of one case, with everything an auditor's own tools need to replay it.</summary>
/// <param name="Data">The event as recorded, except the resident's contact, which is always masked (emptied once erased).</param>
public sealed record ExportedEvent(
    Guid CaseId,
    string CaseNumber,
    long Sequence,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    Actor? Actor,
    string? CorrelationId,
    string? CausationId,
    object Data);

/// <summary>
/// Writes case histories as NDJSON, one event a line, for the API and the command line alike. A case at a time:
/// memory holds one stream, never the period. Personal data leaves masked, as for an auditor (domain.md: exports
/// carry only what they need), so an export can be handed on without a second review.
/// </summary>
public static class AuditExport
{
    public const string MediaType = "application/x-ndjson";

    private static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>The cases raised in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public static async Task<IReadOnlyList<Guid>> CasesRaisedAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        await session.Query<CaseRecord>()
            .Where(c => c.RaisedAt >= from.ToUniversalTime() && c.RaisedAt < to.ToUniversalTime())
            .OrderBy(c => c.RaisedAt).ThenBy(c => c.Id)
            .Select(c => c.Id)
            .ToListAsync(ct);

    /// <summary>Writes every event of each case, in stream order; answers the number of events written.</summary>
    public static async Task<long> WriteAsync(IQuerySession session, IEnumerable<Guid> caseIds, Stream output, Action<long>? progress, CancellationToken ct)
    {
        long written = 0;
        foreach (var caseId in caseIds)
        {
            var events = await session.Events.FetchStreamAsync(caseId, token: ct);
            var record = CaseRecord.FoldAll(events.Select(e => e.Data));
            if (record is null)
            {
                continue;
            }

            var keys = await ResidentVault.KeysAsync(session, events.Select(e => e.Data).OfType<AppealRaised>().Select(r => r.Resident), ct);
            foreach (var e in events)
            {
                await JsonSerializer.SerializeAsync(output, Line(e, record, keys), Json, ct);
                output.WriteByte((byte)'\n');
                written++;
            }

            await output.FlushAsync(ct);
            progress?.Invoke(written);
        }

        return written;
    }

    /// <summary>Reads one line back: the event's type and its data as the domain's record.</summary>
    public static (ExportedEvent Line, ICaseEvent Event) Read(string line)
    {
        var parsed = JsonSerializer.Deserialize<ExportedLine>(line, Json) ?? throw new FormatException("An empty line is not an event.");
        var type = EventTypes.TryGetValue(parsed.Type, out var t) ? t : throw new FormatException($"'{parsed.Type}' is not an event type of a case.");
        var data = (ICaseEvent)(parsed.Data.Deserialize(type, Json) ?? throw new FormatException($"Sequence {parsed.Sequence} has no data."));
        return (new ExportedEvent(parsed.CaseId, parsed.CaseNumber, parsed.Sequence, parsed.Version, parsed.Type, parsed.Timestamp, parsed.Actor, parsed.CorrelationId, parsed.CausationId, data), data);
    }

    // Marten's own naming of event types (snake_case), as the history shows them.
    private static readonly Dictionary<string, Type> EventTypes = CaseEventTypes.All.ToDictionary(t => JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Name), StringComparer.Ordinal);

    private static ExportedEvent Line(IEvent e, CaseRecord record, ResidentKeys keys) => new(
        record.Id,
        record.CaseNumber,
        e.Sequence,
        e.Version,
        e.EventTypeName,
        e.Timestamp,
        (e.Data as ICaseEvent)?.By,
        e.CorrelationId,
        e.CausationId,
        e.Data is AppealRaised raised ? CaseHistoryEndpoints.Shown(raised, record, Auditor, keys) : e.Data);

    // Whoever exports, the contact leaves as the auditor sees it.
    private static readonly Actor Auditor = new("export", "auditor", "Export");

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions();
        Infrastructure.ServiceRegistration.ConfigureJson(json);
        json.WriteIndented = false;
        return json;
    }

    private sealed record ExportedLine(
        Guid CaseId, string CaseNumber, long Sequence, long Version, string Type, DateTimeOffset Timestamp, Actor? Actor, string? CorrelationId, string? CausationId, JsonElement Data);
}
