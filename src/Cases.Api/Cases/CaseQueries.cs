using Cases.Api.Residents;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using Cases.Projections.Cases;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Cases;

public sealed record CasePage(IReadOnlyList<CaseView> Items, long Total, int Page, int PageSize);

public static class CaseQueries
{
    public const int MaxPageSize = 200;

    [WolverineGet("/api/cases/{caseId}", OperationId = "getCase")]
    [Authorize(Roles = Roles.CaseReaders)]
    [Tags("Cases")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(Guid caseId, HttpContext http, IQuerySession session, IActorAccessor actors, TimeProvider clock, CancellationToken ct) =>
        await session.LoadAsync<CaseRecord>(caseId, ct) is { } found && CaseScope.MayRead(actors.Current(http), found)
            ? Results.Ok(CaseView.From(found, actors.Current(http), clock.GetUtcNow().ToUniversalTime(), await ResidentVault.KeysAsync(session, found, ct)))
            : CaseScope.Hidden(caseId);

    /// <summary>
    /// Lists cases, newest first. <c>nodeId</c> takes the node and everything under it, as the case was routed;
    /// <c>overdue=true</c> keeps the cases past an acknowledge or resolve deadline that is still running.
    /// <c>originNodeId</c> takes the cases that arose under a node (where the metrics count them), and
    /// <c>from</c>/<c>to</c> bound when they were raised, so a metrics summary's count can be listed case by case.
    /// </summary>
    [WolverineGet("/api/cases", OperationId = "listCases")]
    [Authorize(Roles = Roles.CaseReaders)]
    [Tags("Cases")]
    [ProducesResponseType<CasePage>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(
        string? nodeId,
        string? originNodeId,
        string? departmentId,
        string? status,
        string? category,
        bool? overdue,
        int? page,
        int? pageSize,
        DateTimeOffset? from,
        DateTimeOffset? to,
        HttpContext http,
        IQuerySession session,
        IActorAccessor actors,
        TimeProvider clock,
        CancellationToken ct)
    {
        CaseStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<CaseStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.Invalid("status", $"'{status}' is not a status; use one of: {string.Join(", ", Enum.GetNames<CaseStatus>().Select(n => n.ToLowerInvariant()))}.");
            }

            wanted = parsed;
        }

        var pageNumber = page ?? 1;
        var size = pageSize ?? 20;
        if (pageNumber < 1)
        {
            return Problems.Invalid("page", "'page' starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            return Problems.Invalid("pageSize", $"'pageSize' is between 1 and {MaxPageSize}.");
        }

        var actor = actors.Current(http);
        var query = CaseScope.Readable(session.Query<CaseRecord>(), actor);
        if (!string.IsNullOrEmpty(nodeId))
        {
            query = query.Where(c => c.NodePath.Contains(nodeId));
        }

        if (!string.IsNullOrEmpty(originNodeId))
        {
            query = query.Where(c => c.OriginPath.Contains(originNodeId));
        }

        // PostgreSQL's timestamptz parameters take UTC only; a caller may well send +08:00.
        if (from?.ToUniversalTime() is { } start)
        {
            query = query.Where(c => c.RaisedAt >= start);
        }

        if (to?.ToUniversalTime() is { } end)
        {
            query = query.Where(c => c.RaisedAt < end);
        }

        if (!string.IsNullOrEmpty(departmentId))
        {
            query = query.Where(c => c.DepartmentIds.Contains(departmentId));
        }

        if (wanted is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        if (!string.IsNullOrEmpty(category))
        {
            query = query.Where(c => c.Category == category);
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        if (overdue == true)
        {
            // The rule lives in Case.OverdueFrom; the read model stores its answer as a column.
            query = query.Where(c => c.OverdueFrom != null && c.OverdueFrom < now);
        }

        var found = await query.OrderByDescending(c => c.RaisedAt).ToPagedListAsync(pageNumber, size, ct);
        var keys = await ResidentVault.KeysAsync(session, found.Select(c => c.Resident), ct);
        return Results.Ok(new CasePage([.. found.Select(c => CaseView.From(c, actor, now, keys))], found.TotalItemCount, pageNumber, size));
    }
}
