using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Known = Cases.Api.Demo.SuchengDemoData.Known;

namespace Cases.Api.Tests.Security;

/// <summary>
/// Every role against every endpoint, inside its scope and outside it, with the exact status. The table is the
/// specification: an endpoint the service serves without a row here fails <see cref="Every_endpoint_has_a_row"/>.
/// </summary>
public sealed class AuthorizationMatrixTests(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Yafang = Known.YafangGrid;

    /// <summary>Each role once inside the arranged target's scope and once outside it.</summary>
    private static readonly Dictionary<string, (Caller In, Caller Out)> Callers = new()
    {
        ["anon"] = (Caller.Anonymous, Caller.Anonymous),
        ["agent"] = (Caller.Agent, Caller.Agent),
        ["gw"] = (Caller.GridWorker(Yafang), Caller.GridWorker(Known.LijingwanGrid)),
        ["coord"] = (Caller.CoordinatorAt(Yafang), Caller.CoordinatorAt(Known.LijingwanGrid)),
        ["dept"] = (Caller.Department("urban"), Caller.Department("water")),
        ["aud"] = (Caller.Auditor, Caller.Auditor),
        ["admin"] = (Caller.Admin, Caller.Admin),
    };

    private const string Handlers = "anon 401 | agent 403 | gw 200 404 | coord 200 404 | dept 403 | aud 403 | admin 403";
    private const string CoordinatorsOnly = "anon 401 | agent 403 | gw 403 | coord 200 404 | dept 403 | aud 403 | admin 403";
    private const string DepartmentsOnly = "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 404 | aud 403 | admin 403";
    private const string AgentsOnly = "anon 401 | agent 200 | gw 403 | coord 403 | dept 403 | aud 403 | admin 403";
    private const string CaseReaders = "anon 401 | agent 200 | gw 200 404 | coord 200 404 | dept 200 404 | aud 200 | admin 403";
    private const string Everyone = "anon 401 | agent 200 | gw 200 | coord 200 | dept 200 | aud 200 | admin 200";
    private const string AdminsOnly = "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 403 | admin 200";
    private const string Open = "anon 200 | agent 200 | gw 200 | coord 200 | dept 200 | aud 200 | admin 200";

    public static readonly MatrixRow[] Rows =
    [
        new("POST /api/appeals", _ => Arrange.Nothing(), _ => "/api/appeals", _ => ApiClient.Appeal,
            "anon 401 | agent 201 | gw 201 403 | coord 201 403 | dept 403 | aud 403 | admin 403"),
        new("POST /api/cases/{caseId}/acknowledge", a => a.OpenAtGrid(), t => $"/api/cases/{t.CaseId}/acknowledge", _ => new { }, Handlers),
        new("POST /api/cases/{caseId}/escalate", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/escalate", _ => new { reason = "Community." }, Handlers),
        new("POST /api/cases/{caseId}/pause", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/pause", _ => new { reason = "Away." }, Handlers),
        new("POST /api/cases/{caseId}/resume", a => a.Paused(), t => $"/api/cases/{t.CaseId}/resume", _ => new { }, Handlers),
        new("POST /api/cases/{caseId}/extension", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/extension", _ => new { days = 2, reason = "Parts." }, Handlers),
        new("POST /api/cases/{caseId}/close", a => a.Resolved(), t => $"/api/cases/{t.CaseId}/close", _ => new { note = "Verified." }, Handlers),
        new("POST /api/cases/{caseId}/merge", a => a.Duplicate(), t => $"/api/cases/{t.CaseId}/merge", t => new { intoCaseId = t.OtherCaseId }, Handlers),
        new("POST /api/cases/{caseId}/dispatch", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/dispatch", _ => new { departmentId = "urban" }, CoordinatorsOnly),
        new("POST /api/cases/{caseId}/extension/decision", a => a.ExtensionAsked(), t => $"/api/cases/{t.CaseId}/extension/decision", _ => new { granted = true }, CoordinatorsOnly),
        new("POST /api/cases/{caseId}/supervise", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/supervise", _ => new { note = "Hurry." }, CoordinatorsOnly),
        new("POST /api/cases/{caseId}/dispatches/{dispatchId}/accept", a => a.Dispatched(), t => $"/api/cases/{t.CaseId}/dispatches/{t.DispatchId}/accept", _ => new { }, DepartmentsOnly),
        new("POST /api/cases/{caseId}/dispatches/{dispatchId}/return", a => a.Dispatched(), t => $"/api/cases/{t.CaseId}/dispatches/{t.DispatchId}/return", _ => new { reason = "Not ours." }, DepartmentsOnly),
        new("POST /api/cases/{caseId}/resolve", a => a.Accepted(), t => $"/api/cases/{t.CaseId}/resolve", _ => new { resolution = "Fixed." },
            "anon 401 | agent 403 | gw 200 404 | coord 200 404 | dept 200 404 | aud 403 | admin 403"),
        new("POST /api/cases/{caseId}/feedback", a => a.Resolved(), t => $"/api/cases/{t.CaseId}/feedback", _ => new { satisfied = true, score = 5 }, AgentsOnly),
        new("POST /api/cases/{caseId}/withdraw", a => a.HandledAtGrid(), t => $"/api/cases/{t.CaseId}/withdraw", _ => new { reason = "Settled." }, AgentsOnly),
        new("GET /api/cases/{caseId}", a => a.Dispatched(), t => $"/api/cases/{t.CaseId}", _ => null, CaseReaders),
        new("GET /api/cases/{caseId}/history", a => a.Dispatched(), t => $"/api/cases/{t.CaseId}/history", _ => null, CaseReaders),
        new("GET /api/cases/{caseId}/state", a => a.Dispatched(), t => $"/api/cases/{t.CaseId}/state?version=1", _ => null, CaseReaders),
        new("GET /api/cases", a => a.Dispatched(), _ => "/api/cases?pageSize=200", _ => null,
            "anon 401 | agent 200 | gw 200 | coord 200 | dept 200 | aud 200 | admin 403"),
        new("GET /api/grid/{nodeId}/board", _ => Arrange.Nothing(), _ => $"/api/grid/{Yafang}/board", _ => null,
            "anon 401 | agent 403 | gw 200 403 | coord 200 403 | dept 403 | aud 200 | admin 403"),
        new("GET /api/departments/{departmentId}/board", _ => Arrange.Nothing(), _ => "/api/departments/urban/board", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 403 | aud 200 | admin 403"),
        new("GET /api/departments/{departmentId}/dispatches", _ => Arrange.Nothing(), _ => "/api/departments/urban/dispatches", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 403 | aud 200 | admin 403"),
        new("GET /api/metrics/summary", _ => Arrange.Nothing(), _ => $"/api/metrics/summary?nodeId={Yafang}", _ => null,
            "anon 401 | agent 403 | gw 200 403 | coord 200 403 | dept 403 | aud 200 | admin 200"),
        new("GET /api/metrics/timeseries", _ => Arrange.Nothing(), _ => $"/api/metrics/timeseries?nodeId={Yafang}", _ => null,
            "anon 401 | agent 403 | gw 200 403 | coord 200 403 | dept 403 | aud 200 | admin 200"),
        new("GET /api/metrics/ranking", _ => Arrange.Nothing(), _ => "/api/metrics/ranking?level=grid", _ => null,
            "anon 401 | agent 403 | gw 200 | coord 200 | dept 403 | aud 200 | admin 200"),
        new("GET /api/projections", _ => Arrange.Nothing(), _ => "/api/projections", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 200 | admin 200"),
        new("GET /api/grid", _ => Arrange.Nothing(), _ => "/api/grid", _ => null, Everyone),
        new("GET /api/grid/{nodeId}", _ => Arrange.Nothing(), _ => $"/api/grid/{Yafang}", _ => null, Everyone),
        new("GET /api/departments", _ => Arrange.Nothing(), _ => "/api/departments", _ => null, Everyone),
        new("GET /api/categories", _ => Arrange.Nothing(), _ => "/api/categories", _ => null, Everyone),
        new("GET /api/routing-rules", _ => Arrange.Nothing(), _ => "/api/routing-rules", _ => null, Everyone),
        new("PUT /api/categories/{code}/limits", a => a.Current("/api/categories", n => n.AsArray().First(c => (string?)c!["code"] == "dispute")!["limits"]!),
            _ => "/api/categories/dispute/limits", t => t.Current, AdminsOnly),
        new("PUT /api/routing-rules", a => a.Current("/api/routing-rules", n => n), _ => "/api/routing-rules", t => t.Current, AdminsOnly),
        new("POST /api/departments/{departmentId}/subscriptions", _ => Arrange.Nothing(), _ => "/api/departments/urban/subscriptions",
            _ => new { callbackUrl = "http://127.0.0.1:9/hook", secret = "a-secret-of-sixteen-or-more" },
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 201 403 | aud 403 | admin 201"),
        new("GET /api/departments/{departmentId}/subscriptions", _ => Arrange.Nothing(), _ => "/api/departments/urban/subscriptions", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 403 | aud 200 | admin 200"),
        new("GET /api/departments/{departmentId}/subscriptions/{subscriptionId}", a => a.Subscribed(), t => Subscription(t), _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 403 | aud 200 | admin 200"),
        new("DELETE /api/departments/{departmentId}/subscriptions/{subscriptionId}", a => a.Subscribed(), t => Subscription(t), _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 204 403 | aud 403 | admin 204"),
        new("GET /api/departments/{departmentId}/subscriptions/{subscriptionId}/deliveries", a => a.Subscribed(), t => Subscription(t) + "/deliveries", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 200 403 | aud 200 | admin 200"),
        new("POST /api/departments/{departmentId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}/retry", a => a.Subscribed(),
            t => Subscription(t) + $"/deliveries/{Guid.NewGuid()}/retry", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 404 403 | aud 403 | admin 404"),
        new("GET /api/reference/changes", _ => Arrange.Nothing(), _ => "/api/reference/changes", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 200 | admin 200"),
        new("POST /api/residents/erasure", a => a.ResidentOfOwn(), _ => "/api/residents/erasure", t => new { phone = t.Current!.GetValue<string>() }, AdminsOnly),
        new("GET /api/audit/export", a => a.Filed(), t => $"/api/audit/export?caseId={t.CaseId}", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 200 | admin 200"),
        new("GET /api/audit/verify", _ => Arrange.Nothing(), _ => "/api/audit/verify", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 200 | admin 200"),
        new("GET /api/audit/chain-head", _ => Arrange.Nothing(), _ => "/api/audit/chain-head", _ => null,
            "anon 401 | agent 403 | gw 403 | coord 403 | dept 403 | aud 200 | admin 200"),
        new("GET /health", _ => Arrange.Nothing(), _ => "/health", _ => null, Open),
        new("POST /api/dev/tokens", _ => Arrange.Nothing(), _ => "/api/dev/tokens", _ => new { role = "auditor" }, Open),
    ];

    public static TheoryData<string> Table => [.. Rows.Select(r => r.Endpoint)];

    [Fact]
    public void Every_endpoint_has_a_row()
    {
        var served = Fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } p && (p.StartsWith("/api", StringComparison.Ordinal) || p.StartsWith("api", StringComparison.Ordinal) || p.TrimStart('/') == "health"))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
        var rows = Rows.Select(r => r.Endpoint).ToHashSet();
        Assert.True(served.SetEquals(rows),
            $"Endpoints without a row: {string.Join(", ", served.Except(rows))}. Rows without an endpoint: {string.Join(", ", rows.Except(served))}.");
    }

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Each_role_gets_exactly_its_status(string endpoint)
    {
        var row = Rows.Single(r => r.Endpoint == endpoint);
        var arrange = new Arrange(Api);
        var method = new HttpMethod(row.Endpoint.Split(' ')[0]);
        foreach (var (role, inStatus, outStatus) in Parse(row.Expect))
        {
            foreach (var (caller, expected, scope) in new[] { (Callers[role].In, inStatus, "in scope"), (Callers[role].Out, outStatus, "out of scope") })
            {
                if (scope == "out of scope" && Callers[role].In == Callers[role].Out && inStatus == outStatus)
                {
                    continue;
                }

                // A fresh target for every call: a success changes the case, and the next caller must meet it as arranged.
                var target = await row.Setup(arrange);
                var before = await Snapshot();
                var body = row.Body(target);
                var answer = await Api.Send(method, row.Path(target), body is null ? null : System.Text.Json.JsonSerializer.Serialize(body), caller);
                Assert.True((int)answer.Status == expected,
                    $"{row.Endpoint} as {role} ({scope}): expected {expected}, got {(int)answer.Status} {answer.Body?.ToJsonString()}");
                if (expected >= 400)
                {
                    Assert.Equal("application/problem+json", answer.MediaType);
                    Assert.Equal(before, await Snapshot());
                }
            }
        }
    }

    [Fact]
    public async Task Lists_show_only_the_cases_in_scope()
    {
        var target = await new Arrange(Api).Dispatched();
        foreach (var (role, (inside, outside)) in Callers.Where(c => c.Key is "gw" or "coord" or "dept"))
        {
            Assert.True(await Lists(inside, target.CaseId), $"{role} in scope does not see the case");
            Assert.False(await Lists(outside, target.CaseId), $"{role} out of scope sees the case");
        }

        Assert.True(await Lists(Caller.Auditor, target.CaseId));
    }

    private async Task<bool> Lists(Caller caller, Guid caseId)
    {
        var page = (await Api.Get($"/api/cases?pageSize=200&from={DateTimeOffset.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}", caller)).ShouldBe(HttpStatusCode.OK);
        return page.Body!["items"]!.AsArray().Any(i => i!["caseId"]!.GetValue<Guid>() == caseId);
    }

    /// <summary>What a refusal must leave alone: every event, and the reference data.</summary>
    private async Task<string> Snapshot()
    {
        await using var session = Fixture.Store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().CountAsync();
        var categories = (await Api.Get("/api/categories", Caller.Auditor)).Body?.ToJsonString();
        var routing = (await Api.Get("/api/routing-rules", Caller.Auditor)).Body?.ToJsonString();
        var listed = (await Api.Get("/api/departments/urban/subscriptions", Caller.Admin)).Body?.AsArray() ?? [];
        var subscriptions = string.Join(",", listed.Select(s => $"{s!["subscriptionId"]}:{s["active"]}"));
        return $"{events}|{categories}|{routing}|{subscriptions}";
    }

    private static string Subscription(Target t) => $"/api/departments/urban/subscriptions/{t.Current!["subscriptionId"]}";

    private static IEnumerable<(string Role, int In, int Out)> Parse(string expect) =>
        expect.Split('|', StringSplitOptions.TrimEntries).Select(cell => cell.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p =>
            (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p.Length > 2 ? p[2] : p[1], System.Globalization.CultureInfo.InvariantCulture)));
}
