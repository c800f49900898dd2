using Cases.Domain;
using Cases.Projections.Cases;
using Marten;

namespace Cases.Api.Audit;

/// <summary>
/// Appends an export (<see cref="AuditExport"/>) to another store, for an auditor's scratch database: each case's
/// events in their order, a new stream per case. The inline case read model is built as they are appended; the
/// async projections (metrics, feeds) replay them after, by the daemon or <c>projections rebuild</c>.
/// </summary>
public static class AuditImport
{
    /// <summary>Cases per commit: big enough to be quick, small enough that a failure loses little.</summary>
    private const int CasesPerCommit = 200;

    /// <summary>Reads the export line by line and appends it; answers the cases and events appended.</summary>
    /// <remarks>A case's lines must be together and in version order, as the export writes them.</remarks>
    public static async Task<(long Cases, long Events)> ImportAsync(IDocumentStore store, TextReader reader, Action<long>? progress, CancellationToken ct)
    {
        long cases = 0, events = 0, lineNumber = 0;
        var session = store.LightweightSession();
        try
        {
            Guid? current = null;
            var pending = new List<ICaseEvent>();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                var (exported, data) = Read(line, lineNumber);
                if (exported.CaseId != current)
                {
                    Flush(session, current, pending, ref cases);
                    current = exported.CaseId;
                }

                if (exported.Version != pending.Count + 1)
                {
                    throw new FormatException($"Line {lineNumber}: case {exported.CaseId} jumps to version {exported.Version} after {pending.Count}; the export is incomplete or reordered.");
                }

                pending.Add(data);
                events++;
                if (cases > 0 && cases % CasesPerCommit == 0 && pending.Count == 1)
                {
                    await session.SaveChangesAsync(ct);
                    await session.DisposeAsync();
                    session = store.LightweightSession();
                    progress?.Invoke(events);
                }
            }

            Flush(session, current, pending, ref cases);
            await session.SaveChangesAsync(ct);
            progress?.Invoke(events);
            return (cases, events);
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    private static (ExportedEvent Line, ICaseEvent Event) Read(string line, long lineNumber)
    {
        try
        {
            return AuditExport.Read(line);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"Line {lineNumber} is not an exported event: {e.Message}", e);
        }
    }

    private static void Flush(IDocumentSession session, Guid? caseId, List<ICaseEvent> pending, ref long cases)
    {
        if (caseId is { } id && pending.Count > 0)
        {
            session.Events.StartStream<CaseRecord>(id, [.. pending]);
            cases++;
        }

        pending.Clear();
    }
}
