using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Projections.Cases;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Audit;

public static class ExportEndpoint
{
    /// <summary>NDJSON of one case's history, or of every case raised in a period, streamed as it is read.</summary>
    [WolverineGet("/api/audit/export", OperationId = "exportHistory")]
    [Authorize(Roles = Roles.Operators)]
    [Tags("Audit")]
    [ProducesResponseType<ExportedEvent>(StatusCodes.Status200OK, AuditExport.MediaType)]
    public static async Task<IResult> Export(Guid? caseId, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (caseId is null == (from is null && to is null))
        {
            return Problems.Invalid("caseId", "Give either 'caseId' (one case) or 'from' and 'to' (every case raised in [from, to)).");
        }

        if (caseId is null && (from is null || to is null || from >= to))
        {
            return Problems.Invalid("from", "A period needs both 'from' and 'to' (ISO-8601 timestamps), 'from' before 'to'.");
        }

        IReadOnlyList<Guid> cases;
        if (caseId is { } id)
        {
            if (await session.LoadAsync<CaseRecord>(id, ct) is null)
            {
                return Problems.NotFound($"There is no case '{id}'.");
            }

            cases = [id];
        }
        else
        {
            cases = await AuditExport.CasesRaisedAsync(session, from!.Value, to!.Value, ct);
        }

        return Results.Stream(body => AuditExport.WriteAsync(session, cases, body, null, ct), AuditExport.MediaType);
    }
}
