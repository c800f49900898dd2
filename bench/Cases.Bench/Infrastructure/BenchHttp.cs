using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cases.Bench.Infrastructure;

/// <summary>Who a request acts as, sent in the X-Cases-* headers (as the integration tests do).</summary>
public sealed record Actor(string Id, string Role, string? NodeId = null, string? DepartmentId = null)
{
    public static Actor Agent { get; } = new("agent-bench", "agent");

    public static Actor GridWorker(string nodeId) => new($"worker-{nodeId}", "gridworker", nodeId);

    public static Actor Department(string departmentId) => new($"dept-{departmentId}", "department", DepartmentId: departmentId);
}

/// <summary>The load generator's one HTTP client, and a timed call that records itself in the worker's log.</summary>
public sealed class BenchHttp : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Chinese text goes over the wire as UTF-8, as a real call-center client sends it, not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    public BenchHttp(string baseUrl)
    {
        BaseUrl = baseUrl;
        Client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
        })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    public static byte[] Body<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken) =>
        await JsonSerializer.DeserializeAsync<T>(await Client.GetStreamAsync(new Uri(path, UriKind.Relative), cancellationToken), Json, cancellationToken)
        ?? throw new InvalidOperationException($"GET {path} answered null.");

    /// <summary>
    /// POSTs and reads the whole answer; a 2xx is timed into the log under <paramref name="operation"/> and its body
    /// returned, anything else is counted as an error (with the status and the start of the body) and null returned.
    /// </summary>
    public async Task<byte[]?> PostAsync(WorkerLog log, string operation, string path, byte[] json, Actor? actor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = JsonType;
        if (actor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Cases-Actor", actor.Id);
            request.Headers.TryAddWithoutValidation("X-Cases-Role", actor.Role);
            if (actor.NodeId is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Cases-Node", actor.NodeId);
            }

            if (actor.DepartmentId is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Cases-Department", actor.DepartmentId);
            }
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                log.Ok(operation, milliseconds);
                return body;
            }

            log.Error(operation, status.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Encoding.UTF8.GetString(body));
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            log.Error(operation, e is TaskCanceledException ? "timeout" : "exception", e.Message);
            return null;
        }
    }

    /// <summary>GETs and reads the whole answer, timed into the log like <see cref="PostAsync"/>; null on a non-2xx.</summary>
    public async Task<byte[]?> GetAsync(WorkerLog log, string operation, string path, Actor? actor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        return await SendAsync(log, operation, request, actor, cancellationToken);
    }

    /// <summary>PUTs JSON, timed into the log like <see cref="PostAsync"/>; null on a non-2xx.</summary>
    public async Task<byte[]?> PutAsync(WorkerLog log, string operation, string path, byte[] json, Actor? actor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = JsonType;
        return await SendAsync(log, operation, request, actor, cancellationToken);
    }

    private async Task<byte[]?> SendAsync(WorkerLog log, string operation, HttpRequestMessage request, Actor? actor, CancellationToken cancellationToken)
    {
        if (actor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Cases-Actor", actor.Id);
            request.Headers.TryAddWithoutValidation("X-Cases-Role", actor.Role);
            if (actor.NodeId is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Cases-Node", actor.NodeId);
            }

            if (actor.DepartmentId is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Cases-Department", actor.DepartmentId);
            }
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                log.Ok(operation, milliseconds);
                return body;
            }

            log.Error(operation, status.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Encoding.UTF8.GetString(body));
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            log.Error(operation, e is TaskCanceledException ? "timeout" : "exception", e.Message);
            return null;
        }
    }

    public void Dispose() => Client.Dispose();
}
