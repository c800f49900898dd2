using System.Globalization;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Feed;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Dispatch;

public sealed record FeedLocation(string NodeId, IReadOnlyList<NodeRef> Path);

public sealed record FeedItem(
    string Cursor,
    Guid DispatchId,
    Guid CaseId,
    string CaseNumber,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    FeedLocation Location,
    string? Instructions,
    DateTimeOffset DispatchedAt,
    DateTimeOffset AcceptBy)
{
    /// <summary>The item as the pull feed lists it and as webhooks and the broker push it: one shape for all three.</summary>
    public static FeedItem From(DispatchFeedItem i) =>
        new(i.Cursor.ToString(CultureInfo.InvariantCulture), i.Id, i.CaseId, i.CaseNumber, i.Category, i.Urgency, i.Title, i.Description,
            new FeedLocation(i.NodeId, i.Path), i.Instructions, i.DispatchedAt, i.AcceptBy);
}

/// <summary>A page of the feed; pass <c>next</c> back as <c>after</c> for what came since.</summary>
public sealed record FeedPage(IReadOnlyList<FeedItem> Items, string Next);

public static class DispatchFeedEndpoint
{
    /// <summary>
    /// The dispatches addressed to a department, in dispatch order, for its integration to poll. The cursor is
    /// monotonic with no gaps or duplicates; the feed is eventually consistent (see GET /api/projections).
    /// </summary>
    [WolverineGet("/api/departments/{departmentId}/dispatches", OperationId = "departmentDispatches")]
    [Authorize(Roles = Roles.DepartmentReaders)]
    [Tags("Departments")]
    [ProducesResponseType<FeedPage>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(string departmentId, string? after, int? limit, HttpContext http, IActorAccessor actors, IQuerySession session, ReferenceData referenceData, CancellationToken ct)
    {
        if (!(await referenceData.GetAsync(ct)).Departments.ContainsKey(departmentId))
        {
            return Problems.NotFound($"There is no department '{departmentId}'.");
        }

        if (!CaseScope.MayReadDepartment(actors.Current(http), departmentId))
        {
            return CaseScope.Forbidden($"You may not read the dispatches of department '{departmentId}'.");
        }

        long cursor = 0;
        if (!string.IsNullOrEmpty(after) && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) || cursor < 0))
        {
            return Problems.Invalid("after", "'after' is a cursor from an earlier page's 'next'.");
        }

        var size = limit ?? 100;
        if (size is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "'limit' is between 1 and 1000.");
        }

        var items = await session.Query<DispatchFeedItem>()
            .Where(i => i.DepartmentId == departmentId && i.Cursor > cursor)
            .OrderBy(i => i.Cursor)
            .Take(size)
            .ToListAsync(ct);
        var next = items.Count == 0 ? cursor : items[^1].Cursor;
        return Results.Ok(new FeedPage(
            [.. items.Select(FeedItem.From)],
            next.ToString(CultureInfo.InvariantCulture)));
    }
}
