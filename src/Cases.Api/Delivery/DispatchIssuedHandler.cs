using Cases.Api.Dispatch;
using Marten;
using Wolverine;
using Wolverine.Attributes;

namespace Cases.Api.Delivery;

/// <summary>
/// A dispatch as published on a message broker: a CloudEvents envelope whose <c>data</c> is the feed item, with
/// the department beside it. The routing key is <c>departments.{departmentId}</c>.
/// </summary>
[MessageIdentity("cases.dispatch.v1")]
public sealed record DepartmentDispatch(string DepartmentId, FeedItem Item);

/// <summary>
/// Runs once the dispatching command committed (the message waited in the outbox until then): wakes this node's
/// webhook sender, and with a broker configured publishes the dispatch to it, through the durable outbox again.
/// </summary>
public static class DispatchIssuedHandler
{
    public static async Task Handle(DispatchIssued issued, IDocumentSession session, IMessageBus bus, BrokerSettings broker, WebhookSignal signal, CancellationToken ct)
    {
        signal.Wake();
        if (!broker.Enabled)
        {
            return;
        }

        // The event is committed by now, so its global sequence is known: the broker's item carries the same cursor as the feed's.
        var sequence = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == issued.CaseId && e.Version == issued.CaseVersion)
            .Select(e => e.Sequence)
            .FirstOrDefaultAsync(ct);
        var item = issued.Item with { Cursor = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await bus.BroadcastToTopicAsync(BrokerSettings.Topic(issued.DepartmentId), new DepartmentDispatch(issued.DepartmentId, item));
    }
}

/// <summary>Whether a RabbitMQ broker is configured (<c>ConnectionStrings:RabbitMq</c>), and how dispatches are routed on it.</summary>
public sealed record BrokerSettings(string? ConnectionString)
{
    public const string Exchange = "cases.dispatches";

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);

    public static string Topic(string departmentId) => $"departments.{departmentId}";
}

/// <summary>Wakes the webhook sender on this node when there is new work, so a delivery does not wait for the next poll.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake-pending: one wake is as good as many.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
