using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cases.Api.Demo;

namespace Cases.Api.Tests.Support;

/// <summary>An HTTP answer, read once: status, media type and the JSON body.</summary>
public sealed record Answer(HttpStatusCode Status, string? MediaType, JsonNode? Body, HttpResponseHeaders Headers)
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

/// <summary>Talks to the API as a client that knows only the HTTP contract would.</summary>
public sealed class ApiClient(HttpClient http)
{
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

    public Task<Answer> Post(string path, object? body, Caller? actor = null, string? idempotencyKey = null) =>
        Send(HttpMethod.Post, path, body is null ? null : JsonSerializer.Serialize(body), actor, idempotencyKey);

    public Task<Answer> PostRaw(string path, string? rawJson, string contentType = "application/json") =>
        Send(HttpMethod.Post, path, rawJson, null, null, contentType);

    public Task<Answer> Put(string path, object body) => Send(HttpMethod.Put, path, JsonSerializer.Serialize(body), null);

    public async Task<Answer> FileAppeal(object? appeal = null, Caller? actor = null, string? idempotencyKey = null) =>
        (await Post("/api/appeals", appeal ?? Appeal, actor, idempotencyKey)).ShouldBe(HttpStatusCode.Created);

    public Task<Answer> Command(Guid caseId, string command, object body, Caller? actor = null) =>
        Post($"/api/cases/{caseId}/{command}", body, actor);

    public async Task<Answer> Case(Guid caseId) => (await Get($"/api/cases/{caseId}")).ShouldBe(HttpStatusCode.OK);

    public async Task<Answer> Send(HttpMethod method, string path, string? json, Caller? actor, string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        if (actor is not null)
        {
            request.Headers.Add("X-Cases-Actor", actor.Id);
            request.Headers.Add("X-Cases-Role", actor.Role);
            if (actor.NodeId is not null)
            {
                request.Headers.Add("X-Cases-Node", actor.NodeId);
            }

            if (actor.DepartmentId is not null)
            {
                request.Headers.Add("X-Cases-Department", actor.DepartmentId);
            }
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
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
            text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers);
    }
}

/// <summary>Who the test acts as, sent in the X-Cases-* headers.</summary>
public sealed record Caller(string Id, string Role, string? NodeId = null, string? DepartmentId = null)
{
    public static Caller Agent { get; } = new("agent-li", "agent");

    public static Caller Auditor { get; } = new("auditor-zhou", "auditor");

    public static Caller Coordinator { get; } = new("coord-wu", "coordinator");

    public static Caller GridWorker(string nodeId) => new($"worker-{nodeId}", "gridworker", nodeId);

    public static Caller Department(string departmentId) => new($"dept-{departmentId}", "department", DepartmentId: departmentId);
}
