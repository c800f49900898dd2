using Cases.Api.Cases;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Residents;
using Cases.Domain;
using Cases.Projections.Cases;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Audit;

/// <summary>One event as an auditor reads it.</summary>
/// <param name="Actor">Who acted: the authenticated caller, or <c>system</c> for the clocks.</param>
/// <param name="CorrelationId">The request whose effects this event belongs to (its W3C trace id when the caller sent a <c>traceparent</c>, else one the service chose, answered in <c>X-Correlation-Id</c>). Timers and messages carry it on, so a clock's events share the correlation of the request that set the clock. Null on events recorded before correlation was kept.</param>
/// <param name="CausationId">What appended it: <c>command:{operationId}</c> for a person's command, <c>clock:{clock}/{stage}</c> for a timer, <c>message:{type}/{id}</c> for a message.</param>
public sealed record HistoryEvent(long Sequence, long Version, string Type, DateTimeOffset Timestamp, Actor? Actor, string? CorrelationId, string? CausationId, object Data);

public sealed record CaseHistory(Guid CaseId, string CaseNumber, IReadOnlyList<HistoryEvent> Events);

/// <summary>What auditors read: the events themselves, and the case as it was at any earlier moment.</summary>
public static class CaseHistoryEndpoints
{
    [WolverineGet("/api/cases/{caseId}/history", OperationId = "caseHistory")]
    [Authorize(Roles = Roles.CaseReaders)]
    [Tags("Audit")]
    [ProducesResponseType<CaseHistory>(StatusCodes.Status200OK)]
    public static async Task<IResult> History(Guid caseId, HttpContext http, IQuerySession session, IActorAccessor actors, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(caseId, token: ct);
        var record = CaseRecord.FoldAll(events.Select(e => e.Data));
        if (record is null || !CaseScope.MayRead(actors.Current(http), record))
        {
            return CaseScope.Hidden(caseId);
        }

        var viewer = actors.Current(http);
        var keys = await ResidentVault.KeysAsync(session, events.Select(e => e.Data).OfType<AppealRaised>().Select(r => r.Resident), ct);
        return Results.Ok(new CaseHistory(caseId, record.CaseNumber, [.. events.Select(e => new HistoryEvent(
            e.Sequence,
            e.Version,
            e.EventTypeName,
            e.Timestamp,
            (e.Data as ICaseEvent)?.By,
            e.CorrelationId,
            e.CausationId,
            e.Data is AppealRaised raised ? Shown(raised, record, viewer, keys) : e.Data))]));
    }

    /// <summary>The case view as it was at stream version <c>version</c>, or at the moment <c>at</c>.</summary>
    [WolverineGet("/api/cases/{caseId}/state", OperationId = "caseStateAt")]
    [Authorize(Roles = Roles.CaseReaders)]
    [Tags("Audit")]
    [ProducesResponseType<CaseView>(StatusCodes.Status200OK)]
    public static async Task<IResult> State(Guid caseId, long? version, DateTimeOffset? at, HttpContext http, IQuerySession session, IActorAccessor actors, TimeProvider clock, CancellationToken ct)
    {
        if (version is null == at is null)
        {
            return Problems.Invalid("version", "Give exactly one of 'version' (a stream version, from 1) or 'at' (an ISO-8601 timestamp).");
        }

        if (version is < 1)
        {
            return Problems.Invalid("version", "'version' starts at 1.");
        }

        var events = await session.Events.FetchStreamAsync(caseId, token: ct);
        if (events.Count == 0 || !CaseScope.MayRead(actors.Current(http), CaseRecord.FoldAll(events.Select(e => e.Data))!))
        {
            return CaseScope.Hidden(caseId);
        }

        IEnumerable<IEvent> upTo = version is { } v ? events.Where(e => e.Version <= v) : events.Where(e => e.Timestamp <= at!.Value);
        var selected = upTo.ToList();
        if (version > events[^1].Version)
        {
            return Problems.NotFound($"The case has {events[^1].Version} versions; there is no version {version}.");
        }

        if (selected.Count == 0)
        {
            return Problems.NotFound($"The case did not exist yet at {at:O}; it was raised at {events[0].Timestamp:O}.");
        }

        // The contact as it is now, not as it was: an erasure reaches back into every past state.
        var record = CaseRecord.FoldAll(selected.Select(e => e.Data))!;
        var now = CaseRecord.FoldAll(events.Select(e => e.Data))!;
        var keys = await ResidentVault.KeysAsync(session, record, ct);
        record = record with { ResidentErased = now.ResidentErased };
        return Results.Ok(CaseView.From(record, actors.Current(http), at ?? (version is null ? clock.GetUtcNow().ToUniversalTime() : selected[^1].Timestamp), keys));
    }

    /// <summary>The raising event with its contact opened for those who may see it, masked for others, emptied once erased.</summary>
    public static AppealRaised Shown(AppealRaised raised, CaseRecord record, Actor viewer, ResidentKeys keys)
    {
        var shown = PersonalData.View(record, viewer, record.ResidentErased ? null : keys.Open(raised.Resident));
        return raised with { Resident = new Resident(shown.Name, shown.Phone, shown.Address) };
    }
}
