using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Domain;

namespace Cases.Api.Tests.Security;

/// <summary>Who may call at all, what the service believes about the caller, and what every answer carries.</summary>
public sealed class AuthenticationTests(ApiFixture fixture) : ApiTest(fixture)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer not.a.token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIiwiaXNzIjoiY2FzZXMiLCJhdWQiOiJjYXNlcy1hcGkiLCJleHAiOjQxMDI0NDQ4MDB9.")]
    public async Task Without_a_valid_token_every_api_call_is_401(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/categories");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var token = await Api.TokenFor(Caller.Admin);
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/categories") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", forged) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/docs/")]
    public async Task Health_the_openapi_document_and_the_docs_stay_open(string path)
    {
        using var response = await Api.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_on_every_api_operation()
    {
        var text = await Api.Http.GetStringAsync("/openapi/v1.json");
        var document = JsonNode.Parse(text)!;
        foreach (System.Text.RegularExpressions.Match reference in System.Text.RegularExpressions.Regex.Matches(text, "\"#/components/schemas/([^\"]+)\""))
        {
            Assert.True(document["components"]!["schemas"]![reference.Groups[1].Value] is not null, $"dangling reference {reference.Value}");
        }

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var open = path is "/health" or "/api/dev/tokens";
                // An open operation says so with one empty requirement (`security: [{}]`); a protected one names Bearer.
                var security = operation!["security"]?.AsArray();
                var bearer = security?.Any(r => r is JsonObject o && o.ContainsKey("Bearer")) == true;
                Assert.True(open ? security is [JsonObject { Count: 0 }] : bearer, $"{method} {path}: {(open ? "an open operation must say security: [{}]" : "Bearer requirement missing on a protected operation")}");
                Assert.True(open || operation["responses"]!["401"] is not null && operation["responses"]!["403"] is not null, $"{method} {path}: 401/403 not documented");
            }
        }
    }

    [Fact]
    public async Task The_old_identity_headers_are_ignored_and_the_event_records_the_token_s_principal()
    {
        var caseId = (await Api.FileAppeal(actor: Caller.Agent)).CaseId;
        var worker = Caller.GridWorker(SuchengDemoData.Known.YafangBuilding4);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{caseId}/acknowledge")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", await Api.TokenFor(worker)) },
        };
        request.Headers.Add("X-Cases-Actor", "someone-else");
        request.Headers.Add("X-Cases-Role", "admin");
        request.Headers.Add("X-Cases-Node", SuchengDemoData.DistrictId);
        request.Headers.Add("X-Cases-Actor-Name", "Mallory");
        Assert.Equal(HttpStatusCode.OK, (await Api.Http.SendAsync(request)).StatusCode);

        var by = ((ICaseEvent)(await StreamOf(caseId))[^1].Data).By;
        Assert.Equal(new Actor(worker.Id, "gridworker", worker.Id, worker.NodeId), by);

        // Headers alone, no token: nobody.
        using var headersOnly = new HttpRequestMessage(HttpMethod.Get, "/api/categories");
        headersOnly.Headers.Add("X-Cases-Role", "admin");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Http.SendAsync(headersOnly)).StatusCode);
    }

    [Theory]
    [InlineData("/api/categories")]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000000")]
    [InlineData("/health")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        var answer = await Api.Get(path, Caller.Auditor);
        Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", answer.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", answer.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", answer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"role":"root"}""", "role")]
    [InlineData("""{"role":"gridworker"}""", "nodeId")]
    [InlineData("""{"role":"gridworker","nodeId":"nowhere"}""", "nodeId")]
    [InlineData("""{"role":"department"}""", "departmentId")]
    [InlineData("""{"role":"agent","departmentId":"urban"}""", "departmentId")]
    public async Task Demo_tokens_are_only_for_real_roles_and_places(string body, string field)
    {
        var answer = (await Api.PostRaw("/api/dev/tokens", body, actor: Caller.Anonymous)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]![field]);
    }
}
