using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cases.Bench.Infrastructure;

/// <summary>Who a request acts as: the claims of a demo bearer token from /api/dev/tokens (as the integration tests do).</summary>
public sealed record Actor(string Id, string Role, string? NodeId = null, string? DepartmentId = null)
{
    public static Actor Agent { get; } = new("agent-bench", "agent");

    public static Actor Auditor { get; } = new("auditor-bench", "auditor");

    public static Actor Admin { get; } = new("admin-bench", "admin");

    public static Actor Coordinator(string nodeId) => new($"coord-{nodeId}", "coordinator", nodeId);

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

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Actor, Task<string>> _tokens = new();

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

    public async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(Actor.Auditor, cancellationToken));
        using var response = await Client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await JsonSerializer.DeserializeAsync<T>(await response.Content.ReadAsStreamAsync(cancellationToken), Json, cancellationToken)
            ?? throw new InvalidOperationException($"GET {path} answered null.");
    }

    /// <summary>
    /// Forgets the tokens: a restarted API in demo mode signs with a new key, so tokens from before are refused.
    /// </summary>
    public void ForgetTokens() => _tokens.Clear();

    /// <summary>A demo token per actor, fetched once: the cost measured is validating it on every request, not issuing it.</summary>
    public Task<string> TokenAsync(Actor actor, CancellationToken cancellationToken) => _tokens.GetOrAdd(actor, async a =>
    {
        var body = Body(new { role = a.Role, nodeId = a.NodeId, departmentId = a.DepartmentId, name = a.Id });
        using var content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } };
        using var response = await Client.PostAsync(new Uri("/api/dev/tokens", UriKind.Relative), content, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return answer.RootElement.GetProperty("token").GetString()!;
    });

    /// <summary>
    /// POSTs and reads the whole answer; a 2xx is timed into the log under <paramref name="operation"/> and its body
    /// returned, anything else is counted as an error (with the status and the start of the body) and null returned.
    /// </summary>
    public async Task<byte[]?> PostAsync(WorkerLog log, string operation, string path, byte[] json, Actor? actor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = JsonType;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(actor ?? (request.Method == HttpMethod.Put ? Actor.Admin : Actor.Auditor), cancellationToken));

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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(actor ?? (request.Method == HttpMethod.Put ? Actor.Admin : Actor.Auditor), cancellationToken));

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
