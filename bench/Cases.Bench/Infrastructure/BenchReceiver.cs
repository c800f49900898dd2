using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cases.Bench.Infrastructure;

/// <summary>
/// A department's webhook receiver inside the benchmark: a Kestrel app on loopback that checks each signature as a
/// real receiver would, answers 200, and notes when each dispatch first arrived (Stopwatch ticks, this process's clock).
/// </summary>
public sealed class BenchReceiver : IAsyncDisposable
{
    public const string Secret = "bench-receiver-secret-0123456789";

    private readonly WebApplication _app;

    private BenchReceiver(WebApplication app, string url)
    {
        _app = app;
        CallbackUrl = url + "/hook";
    }

    public string CallbackUrl { get; }

    /// <summary>Dispatch id to the first arrival of any of its deliveries.</summary>
    public ConcurrentDictionary<Guid, long> FirstArrival { get; } = new();

    /// <summary>Every delivery taken (each delivery id once).</summary>
    public ConcurrentDictionary<string, long> Deliveries { get; } = new(StringComparer.Ordinal);

    private long _badSignatures;

    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    public static async Task<BenchReceiver> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new BenchReceiver(app, url);
        var key = Encoding.UTF8.GetBytes(Secret);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
            if (!string.Equals(expected, request.Headers["X-Cases-Signature"].ToString(), StringComparison.Ordinal))
            {
                Interlocked.Increment(ref receiver._badSignatures);
                return Results.Unauthorized();
            }

            var now = Stopwatch.GetTimestamp();
            receiver.Deliveries.TryAdd(request.Headers["X-Cases-Delivery"].ToString(), now);
            using var json = JsonDocument.Parse(body);
            receiver.FirstArrival.TryAdd(json.RootElement.GetProperty("dispatchId").GetGuid(), now);
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
