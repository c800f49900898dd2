using System.Globalization;
using Cases.Api.Grid;
using Cases.Api.Infrastructure.Http;
using Cases.Domain;
using Cases.Domain.Grid;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Reference;

/// <summary>
/// One change to the reference data: its <c>version</c> (the reference-data version it produced, from 1 with no
/// gaps), when it was committed, who made it, what it touched (<c>subject</c>, such as <c>categories/dispute</c>
/// or <c>routing-rules</c>), and the value before and after in the shape the matching GET answers.
/// </summary>
public sealed record ReferenceChangeView(long Version, DateTimeOffset At, Actor By, string Type, string Subject, object? Before, object? After);

/// <summary>A page of changes, oldest first; pass <c>next</c> back as <c>after</c> for what came since.</summary>
public sealed record ReferenceChangesPage(IReadOnlyList<ReferenceChangeView> Items, string Next);

public static class ReferenceChangesEndpoint
{
    /// <summary>
    /// Auditors and admins: the history of the reference data (category limits, routing rules), oldest first.
    /// Every node serves the same history; the newest <c>version</c> is the one every node converges to.
    /// </summary>
    [WolverineGet("/api/reference/changes", OperationId = "referenceChanges")]
    [Microsoft.AspNetCore.Authorization.Authorize(Roles = Infrastructure.Security.Roles.Operators)]
    [Tags("Reference data")]
    [ProducesResponseType<ReferenceChangesPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(string? after, int? limit, IQuerySession session, CancellationToken ct)
    {
        long cursor = 0;
        if (!string.IsNullOrEmpty(after) && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) || cursor < 0))
        {
            return Problems.Invalid("after", "'after' is a version from an earlier page's 'next', or 0.");
        }

        var size = limit ?? 100;
        if (size is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "'limit' is between 1 and 1000.");
        }

        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == ReferenceStream.Id && e.Version > cursor)
            .OrderBy(e => e.Version)
            .Take(size)
            .ToListAsync(ct);
        var next = events.Count == 0 ? cursor : events[^1].Version;
        return Results.Ok(new ReferenceChangesPage([.. events.Select(View)], next.ToString(CultureInfo.InvariantCulture)));
    }

    private static ReferenceChangeView View(IEvent e) => e.Data switch
    {
        CategoryLimitsReplaced c => new(e.Version, e.Timestamp, c.By, e.EventTypeName, $"categories/{c.Code}",
            CategoryEndpoints.View(c.Before), CategoryEndpoints.View(c.After)),
        RoutingRulesReplaced r => new(e.Version, e.Timestamp, r.By, e.EventTypeName, "routing-rules",
            RoutingRulesEndpoints.View(r.Before), RoutingRulesEndpoints.View(r.After)),
        IReferenceChange other => new(e.Version, e.Timestamp, other.By, e.EventTypeName, "", null, other),
        _ => new(e.Version, e.Timestamp, Actor.System, e.EventTypeName, "", null, e.Data),
    };
}
