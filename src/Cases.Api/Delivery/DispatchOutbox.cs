using System.Text.Json;
using Cases.Api.Dispatch;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Cases;
using Cases.Projections.Feed;
using Marten;
using Wolverine;

namespace Cases.Api.Delivery;

/// <summary>
/// A dispatch, as the message that tells the rest of the system about it. Published through Wolverine's
/// transactional outbox by the command that dispatched, so it exists if and only if the dispatch event does.
/// </summary>
/// <param name="CaseVersion">The stream version of the <see cref="CaseDispatched"/> event, to find its global sequence.</param>
/// <param name="Item">The item as departments receive it; its cursor is filled in once the event is committed.</param>
public sealed record DispatchIssued(Guid DispatchId, Guid CaseId, long CaseVersion, string DepartmentId, FeedItem Item);

/// <summary>
/// What a dispatch leaves behind for delivery, written in the dispatching command's own transaction: one pending
/// webhook delivery per active subscription of the department (its id derived from the subscription and the
/// dispatch, so it is stable), and the <see cref="DispatchIssued"/> message in Wolverine's outbox. A crash after
/// the commit loses neither; a rolled-back command leaves neither.
/// </summary>
public sealed class DispatchOutbox(TimeProvider clock, DeliveryOptions options)
{
    public async ValueTask RecordAsync(IDocumentSession session, IMessageBus bus, CaseRecord after, long firstVersion, IReadOnlyList<ICaseEvent> events, GridTree tree)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not CaseDispatched dispatched)
            {
                continue;
            }

            var version = firstVersion + i;
            var item = FeedItem.From(DispatchFeedItem.Describe(0, dispatched, after, tree.Path(dispatched.FromNodeId)));
            var now = clock.GetUtcNow().ToUniversalTime();
            var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
            session.QueueSqlCommand(
                $"""
                insert into {schema}.{WebhookSchema.Deliveries}
                    (id, subscription_id, case_id, case_version, dispatch_id, item, status, attempts, created_at, retry_until, next_attempt_at)
                select md5(s.id::text || ?)::uuid, s.id, ?, ?, ?, ?::jsonb, 'pending', 0, ?, ?, ?
                from {schema}.{WebhookSchema.Subscriptions} s
                where s.department_id = ? and s.active
                on conflict (id) do nothing
                """,
                dispatched.DispatchId.ToString(), after.Id, version, dispatched.DispatchId, JsonSerializer.Serialize(item, DeliveryJson.Options),
                now, now + options.RetryFor, now, dispatched.DepartmentId);
            await bus.PublishAsync(new DispatchIssued(dispatched.DispatchId, after.Id, version, dispatched.DepartmentId, item));
        }
    }
}

/// <summary>The JSON that departments receive: the same settings as the API's own answers.</summary>
public static class DeliveryJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        Infrastructure.ServiceRegistration.ConfigureJson(options);
        return options;
    }
}
