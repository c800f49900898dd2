using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cases.SampleReceiver;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cases.Api.Tests.Delivery;

/// <summary>One call as it reached the receiver, whatever the receiver answered.</summary>
public sealed record Call(string DeliveryId, string Signature, string Body, int Answered);

/// <summary>
/// A real HTTP receiver on a loopback port: the sample receiver's own logic (signature, de-duplication), behind a
/// switch that makes it fail the first N calls, or every call while it is down.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    public const string Secret = "receiver-secret-0123456789";

    private readonly WebApplication _app;
    private int _failuresLeft;

    private Receiver(WebApplication app, ReceiverApp sample, string url)
    {
        _app = app;
        Sample = sample;
        Url = url;
    }

    public ReceiverApp Sample { get; }

    public string Url { get; }

    public string CallbackUrl => $"{Url}/hook";

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Answer 503 to every call while true.</summary>
    public bool Down { get; set; }

    /// <summary>Answer 503 to this many calls, then recover.</summary>
    public int FailFirst { set => _failuresLeft = value; }

    /// <summary>Answer 503 to about this share of calls, at random.</summary>
    public double Flaky { get; set; }

    public static async Task<Receiver> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var app = ReceiverApp.Build(Secret, url, out var sample, path: "/sample");
        Receiver? receiver = null;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync();
            request.Body.Position = 0;
            var failing = receiver!.Down || Interlocked.Decrement(ref receiver._failuresLeft) >= 0 || Random.Shared.NextDouble() < receiver.Flaky;
            var answer = failing ? Results.StatusCode(503) : await sample.ReceiveAsync(request, Secret);
            var status = failing ? 503 : answer is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
            receiver.Calls.Enqueue(new Call(request.Headers["X-Cases-Delivery"].ToString(), request.Headers["X-Cases-Signature"].ToString(), body, status));
            return answer;
        });
        receiver = new Receiver(app, sample, url);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
