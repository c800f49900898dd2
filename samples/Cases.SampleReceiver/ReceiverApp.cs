using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cases.SampleReceiver;

/// <summary>One dispatch as this receiver took it in.</summary>
public sealed record ReceivedDispatch(string DeliveryId, Guid DispatchId, Guid CaseId, string CaseNumber, string Cursor, DateTimeOffset DispatchedAt, JsonObject Item);

/// <summary>
/// The receiver: verify the signature over the raw body, drop a delivery already taken (deliveries are at least once,
/// so a retry after a lost answer repeats one), keep the dispatch, and answer 2xx quickly. Real work (creating a work
/// order, calling back to accept) belongs after the answer, on the receiver's own queue.
/// </summary>
public sealed class ReceiverApp
{
    private readonly ConcurrentDictionary<string, ReceivedDispatch> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedDispatch> _received = new();

    /// <summary>Everything taken, in arrival order, each delivery once.</summary>
    public IReadOnlyList<ReceivedDispatch> Received => [.. _received];

    /// <summary>Deliveries refused because their signature did not verify.</summary>
    public int Rejected => _rejected;

    /// <summary>Deliveries that repeated one already taken, and were acknowledged without being taken again.</summary>
    public int Duplicates => _duplicates;

    private int _rejected;
    private int _duplicates;

    public static WebApplication Build(string secret, string url, out ReceiverApp receiver, string path = "/webhooks/cases")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var state = new ReceiverApp();
        receiver = state;
        app.MapPost(path, (HttpRequest request) => state.ReceiveAsync(request, secret));
        app.MapGet("/received", () => Results.Ok(state.Received.Select(r => r.Item)));
        return app;
    }

    public async Task<IResult> ReceiveAsync(HttpRequest request, string secret)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (!WebhookVerifier.Verify(body, request.Headers["X-Cases-Signature"], secret))
        {
            Interlocked.Increment(ref _rejected);
            return Results.Unauthorized();
        }

        var deliveryId = request.Headers["X-Cases-Delivery"].ToString();
        if (string.IsNullOrEmpty(deliveryId))
        {
            return Results.BadRequest();
        }

        var item = JsonNode.Parse(body)!.AsObject();
        var dispatch = new ReceivedDispatch(
            deliveryId, item["dispatchId"]!.GetValue<Guid>(), item["caseId"]!.GetValue<Guid>(), item["caseNumber"]!.GetValue<string>(),
            item["cursor"]!.GetValue<string>(), item["dispatchedAt"]!.GetValue<DateTimeOffset>(), item);
        if (!_seen.TryAdd(deliveryId, dispatch))
        {
            Interlocked.Increment(ref _duplicates);
            return Results.Ok();
        }

        _received.Enqueue(dispatch);
        return Results.Ok();
    }

}
