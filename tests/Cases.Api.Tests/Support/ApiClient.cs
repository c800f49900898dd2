using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cases.Api.Demo;

namespace Cases.Api.Tests.Support;

/// <summary>An HTTP answer, read once: status, media type and the JSON body.</summary>
public sealed record Answer(HttpStatusCode Status, string? MediaType, JsonNode? Body, HttpResponseHeaders Headers, string? Raw = null)
{
    public string Text(string property) => Body![property]!.GetValue<string>();

    public Guid CaseId => Guid.Parse(Text("caseId"));

    public long Version => Body!["version"]!.GetValue<long>();

    public Answer ShouldBe(HttpStatusCode expected)
    {
        Assert.True(expected == Status, $"Expected {(int)expected} but got {(int)Status}: {Body?.ToJsonString()}");
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", MediaType);
            Assert.Equal((int)expected, Body!["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrWhiteSpace(Body["title"]?.GetValue<string>()));
        }

        return this;
    }
}

/// <summary>
/// Talks to the API as a client that knows only the HTTP contract would: it gets a bearer token for each caller
/// from <c>POST /api/dev/tokens</c> (demo mode), as an integrator trying the demo would.
/// </summary>
public sealed class ApiClient(HttpClient http)
{
    private readonly ConcurrentDictionary<Caller, Task<string>> _tokens = new();

    public HttpClient Http => http;

    public static readonly object Appeal = new
    {
        channel = "hotline",
        category = "dispute",
        urgency = "normal",
        title = "Neighbour's renovation noise after 22:00",
        description = "Drilling every night after 22:00 in building 4.",
        microGridId = SuchengDemoData.Known.YafangBuilding4,
        resident = new { name = "王小明", phone = "13800001234", address = "亚芳花园 4号楼 2单元 301" },
    };

    public Task<Answer> Get(string path, Caller? actor = null) => Send(HttpMethod.Get, path, null, actor);

    public Task<Answer> Post(string path, object? body, Caller? actor = null, string? idempotencyKey = null, string? traceparent = null) =>
        Send(HttpMethod.Post, path, body is null ? null : JsonSerializer.Serialize(body), actor, idempotencyKey, traceparent: traceparent);

    public Task<Answer> PostRaw(string path, string? rawJson, string contentType = "application/json", Caller? actor = null) =>
        Send(HttpMethod.Post, path, rawJson, actor, null, contentType);

    public Task<Answer> Put(string path, object body, Caller? actor = null) => Send(HttpMethod.Put, path, JsonSerializer.Serialize(body), actor);

    /// <summary>
    /// Who acts when a test names nobody: see <see cref="Caller.Natural"/>. A command on a case comes from a
    /// coordinator at the node that holds the case, as the domain wants handlers to act where the case sits.
    /// </summary>
    private async Task<Caller> NaturalCaller(HttpMethod method, string path)
    {
        var natural = Caller.Natural(method, path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (natural != Caller.DistrictCoordinator || method != HttpMethod.Post || parts is not ["api", "cases", var id, _, ..] || !Guid.TryParse(id, out _)
            || path.EndsWith("/extension/decision", StringComparison.Ordinal))
        {
            return natural;
        }

        var found = await Send(HttpMethod.Get, $"/api/cases/{id}", null, Caller.DistrictCoordinator);
        return found.Status == HttpStatusCode.OK ? Caller.CoordinatorAt(found.Text("currentNodeId")) : natural;
    }

    /// <summary>A bearer token for the caller, issued by the service's demo token endpoint (once per caller).</summary>
    public Task<string> TokenFor(Caller caller) => _tokens.GetOrAdd(caller, async c =>
    {
        var answer = (await Send(HttpMethod.Post, "/api/dev/tokens", JsonSerializer.Serialize(new { role = c.Role, nodeId = c.NodeId, departmentId = c.DepartmentId, name = c.Id }), Caller.Anonymous))
            .ShouldBe(HttpStatusCode.OK);
        return answer.Text("token");
    });

    public async Task<Answer> FileAppeal(object? appeal = null, Caller? actor = null, string? idempotencyKey = null) =>
        (await Post("/api/appeals", appeal ?? Appeal, actor, idempotencyKey)).ShouldBe(HttpStatusCode.Created);

    public Task<Answer> Command(Guid caseId, string command, object body, Caller? actor = null) =>
        Post($"/api/cases/{caseId}/{command}", body, actor);

    public async Task<Answer> Case(Guid caseId) => (await Get($"/api/cases/{caseId}")).ShouldBe(HttpStatusCode.OK);

    public async Task<Answer> Send(HttpMethod method, string path, string? json, Caller? actor, string? idempotencyKey = null, string contentType = "application/json", string? traceparent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        actor ??= await NaturalCaller(method, path);
        if (actor != Caller.Anonymous)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenFor(actor));
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var contract = await OpenApiContract.ServedBy(http);
        if (contract.Violation(method, path, json is null ? null : contentType, json, (int)response.StatusCode, mediaType, text) is { } violation)
        {
            Assert.Fail($"The answer to {method} {path} breaks the served OpenAPI document: {violation}\nBody: {text}");
        }

        return new Answer(
            response.StatusCode,
            mediaType,
            text.Length == 0 || mediaType == "application/x-ndjson" ? null : JsonNode.Parse(text),
            response.Headers,
            text);
    }
}

/// <summary>Who the test acts as: the claims of the bearer token the client sends.</summary>
public sealed record Caller(string Id, string Role, string? NodeId = null, string? DepartmentId = null)
{
    /// <summary>No token at all.</summary>
    public static Caller Anonymous { get; } = new("", "");

    public static Caller Admin { get; } = new("admin-sun", "admin");

    /// <summary>A coordinator at the district, the top of the tree: every case is beneath them.</summary>
    public static Caller DistrictCoordinator { get; } = new("coord-district", "coordinator", SuchengDemoData.DistrictId);

    public static Caller Agent { get; } = new("agent-li", "agent");

    public static Caller Auditor { get; } = new("auditor-zhou", "auditor");

    public static Caller Coordinator { get; } = new("coord-wu", "coordinator", SuchengDemoData.DistrictId);

    public static Caller CoordinatorAt(string nodeId) => new($"coord-{nodeId}", "coordinator", nodeId);

    public static Caller GridWorker(string nodeId) => new($"worker-{nodeId}", "gridworker", nodeId);

    public static Caller Department(string departmentId) => new($"dept-{departmentId}", "department", DepartmentId: departmentId);

    /// <summary>
    /// Who a test that names no caller acts as: whoever would naturally make that call. The call center files
    /// and takes feedback, an admin changes reference data, a department acts on dispatches, an auditor reads
    /// figures, feeds and projections, and a district coordinator does everything else.
    /// </summary>
    public static Caller Natural(HttpMethod method, string path) => path switch
    {
        _ when method == HttpMethod.Put => Admin,
        "/api/appeals" => Agent,
        _ when path.EndsWith("/feedback", StringComparison.Ordinal) || path.EndsWith("/withdraw", StringComparison.Ordinal) => Agent,
        _ when path.Contains("/dispatches/", StringComparison.Ordinal) && path.StartsWith("/api/cases/", StringComparison.Ordinal) => Department("urban"),
        _ when path.StartsWith("/api/metrics", StringComparison.Ordinal) || path.StartsWith("/api/departments/", StringComparison.Ordinal)
            || path.StartsWith("/api/projections", StringComparison.Ordinal) || path.StartsWith("/api/reference", StringComparison.Ordinal) => Auditor,
        _ => DistrictCoordinator,
    };
}
