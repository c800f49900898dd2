using System.Net;
using System.Text;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests.Security;

/// <summary>The requests an outside fuzz once answered with 500 or with .NET type names, one by one.</summary>
public sealed class HostileInputTests(ApiFixture fixture) : ApiTest(fixture)
{
    public static TheoryData<string, string, string?, int> Cases => new()
    {
        { "POST", "/api/cases/00000000-0000-0000-0000-000000000000/acknowledge", "{}", 404 },
        { "GET", "/api/cases/00000000-0000-0000-0000-000000000000/history", null, 404 },
        { "PUT", "/api/routing-rules", """{"startRules":[{"urgency":"urgent","startAt":"street"}],"suggestedDepartments":{}}""", 400 },
        { "PUT", "/api/routing-rules", """{"startRules":[null],"suggestedDepartments":{"dispute":null}}""", 400 },
        { "GET", "/api/metrics/timeseries?from=9999-12-31T23:59:59Z", null, 400 },
        { "GET", "/api/metrics/summary?to=0001-01-01T00:00:00Z", null, 400 },
        { "POST", "/api/appeals", "{\"title\":" + new string('9', 5000) + "}", 400 },
        { "POST", "/api/cases/00000000-0000-0000-0000-000000000001/feedback", "[]", 400 },
        { "GET", "/api/cases/00000000-0000-0000-0000-000000000001/state?at=yesterday", null, 400 },
        { "POST", "/api/appeals", "{\"title\":\"" + new string('x', 300_000) + "\"}", 413 },
        { "GET", "/api/cases?category=" + new string('x', 5000), null, 414 },
        { "GET", "/api/cases?category=%00", null, 400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_gets_a_plain_4xx(string method, string path, string? body, int status)
    {
        var streams = await StreamCount();
        var answer = (await Api.Send(new HttpMethod(method), path, body, method switch { "PUT" => Caller.Admin, "GET" => Caller.Auditor, _ => null })).ShouldBe((HttpStatusCode)status);
        var text = answer.Body!.ToJsonString();
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Cases.Api", text, StringComparison.Ordinal);
        Assert.Equal(streams, await StreamCount());
    }

    [Fact]
    public async Task A_period_given_in_China_Standard_Time_is_read_as_that_instant()
    {
        var filed = await Api.FileAppeal();
        var raised = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        string Cst(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var page = (await Api.Get($"/api/cases?from={Cst(raised.AddMinutes(-5))}&to={Cst(raised.AddMinutes(5))}&pageSize=200", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(page.Body!["items"]!.AsArray(), i => i!["caseId"]!.GetValue<Guid>() == filed.CaseId);
    }

    [Fact]
    public async Task A_5000_character_idempotency_key_is_refused()
    {
        var streams = await StreamCount();
        var answer = (await Api.Send(HttpMethod.Post, "/api/appeals", System.Text.Json.JsonSerializer.Serialize(ApiClient.Appeal), Caller.Agent, new string('k', 5000)))
            .ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(answer.Body!["errors"]!["Idempotency-Key"]);
        Assert.Equal(streams, await StreamCount());
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appeals")
        {
            Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"title\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")]),
            Headers = { Authorization = new("Bearer", await Api.TokenFor(Caller.Agent)) },
        };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await Api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("System.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
