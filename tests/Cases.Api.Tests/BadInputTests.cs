using System.Net;
using System.Text.Json;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests;

/// <summary>Every bad request gets its 4xx with a problem+json body, and the store does not change.</summary>
public sealed class BadInputTests(ApiFixture fixture) : ApiTest(fixture)
{
    private static string Appeal(Action<Dictionary<string, object?>> change)
    {
        var body = new Dictionary<string, object?>
        {
            ["channel"] = "hotline",
            ["category"] = "dispute",
            ["urgency"] = "normal",
            ["title"] = "Noise",
            ["description"] = "Drilling at night.",
            ["microGridId"] = SuchengDemoData.Known.YafangBuilding4,
            ["resident"] = new Dictionary<string, object?> { ["name"] = "王小明", ["phone"] = "13800001234" },
        };
        change(body);
        return JsonSerializer.Serialize(body);
    }

    public static TheoryData<string, string, string?, int, string?> Intake => new()
    {
        { "malformed JSON", "/api/appeals", """{"channel": """, 400, null },
        { "JSON nested 200 deep", "/api/appeals", new string('[', 200) + new string(']', 200), 400, null },
        { "a number too big for its field", "/api/appeals", Appeal(b => b["resident"] = new Dictionary<string, object?> { ["name"] = "王", ["phone"] = 1e300 }), 400, null },
        { "empty body", "/api/appeals", "", 400, null },
        { "JSON null", "/api/appeals", "null", 400, null },
        { "missing title", "/api/appeals", Appeal(b => b.Remove("title")), 400, "title" },
        { "title of 201 characters", "/api/appeals", Appeal(b => b["title"] = new string('x', 201)), 400, "title" },
        { "description of 4001 characters", "/api/appeals", Appeal(b => b["description"] = new string('x', 4001)), 400, "description" },
        { "unknown channel", "/api/appeals", Appeal(b => b["channel"] = "fax"), 400, "channel" },
        { "unknown urgency", "/api/appeals", Appeal(b => b["urgency"] = "high"), 400, "urgency" },
        { "urgency of the wrong JSON type", "/api/appeals", Appeal(b => b["urgency"] = 1), 400, null },
        { "unknown category", "/api/appeals", Appeal(b => b["category"] = "aliens"), 400, "category" },
        { "a grid is not a micro-grid", "/api/appeals", Appeal(b => b["microGridId"] = SuchengDemoData.Known.YafangGrid), 400, "microGridId" },
        { "unknown micro-grid", "/api/appeals", Appeal(b => b["microGridId"] = "nowhere"), 400, "microGridId" },
        { "missing resident", "/api/appeals", Appeal(b => b.Remove("resident")), 400, "resident" },
        { "missing category and micro-grid", "/api/appeals", Appeal(b => { b.Remove("category"); b.Remove("microGridId"); }), 400, "microGridId" },
        { "phone with letters", "/api/appeals", Appeal(b => b["resident"] = new { name = "王", phone = "call me" }), 400, "resident.phone" },
    };

    [Theory]
    [MemberData(nameof(Intake))]
    public async Task Bad_appeals_are_refused_and_file_nothing(string why, string path, string? body, int status, string? field)
    {
        var streams = await StreamCount();

        var answer = (await Api.PostRaw(path, body)).ShouldBe((HttpStatusCode)status);

        Assert.True(await StreamCount() == streams, $"{why}: a stream was written");
        if (field is not null)
        {
            Assert.True(answer.Body!["errors"]?[field] is not null, $"{why}: no error for '{field}' in {answer.Body.ToJsonString()}");
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var streams = await StreamCount();
        (await Api.PostRaw("/api/appeals", "channel=hotline", "text/plain")).ShouldBe(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(streams, await StreamCount());
    }

    public static TheoryData<string, string, string, int> Commands => new()
    {
        { "resolve an open case", "resolve", """{"resolution":"done"}""", 409 },
        { "feedback on an open case", "feedback", """{"satisfied":true,"score":5}""", 409 },
        { "feedback score of 6", "feedback", """{"satisfied":true,"score":6}""", 400 },
        { "feedback score of 0", "feedback", """{"satisfied":false,"score":0}""", 400 },
        { "feedback without satisfied", "feedback", """{"score":3}""", 400 },
        { "close an open case", "close", "{}", 409 },
        { "dispatch before acknowledging", "dispatch", """{"departmentId":"urban"}""", 409 },
        { "dispatch to an unknown department", "dispatch", """{"departmentId":"ministry-of-magic"}""", 400 },
        { "accept an unknown dispatch", $"dispatches/{Guid.NewGuid()}/accept", "{}", 404 },
        { "return an unknown dispatch", $"dispatches/{Guid.NewGuid()}/return", """{"reason":"no"}""", 404 },
        { "escalate without a reason", "escalate", "{}", 400 },
        { "escalate with a reason of 1001 characters", "escalate", JsonSerializer.Serialize(new { reason = new string('x', 1001) }), 400 },
        { "extension of 11 days", "extension", """{"days":11,"reason":"long"}""", 400 },
        { "extension of 0 days", "extension", """{"days":0,"reason":"none"}""", 400 },
        { "extension on an open case", "extension", """{"days":2,"reason":"parts"}""", 409 },
        { "extension decision with nothing pending", "extension/decision", """{"granted":true}""", 409 },
        { "resume a case that is not paused", "resume", "{}", 409 },
        { "merge into an unknown case", "merge", JsonSerializer.Serialize(new { intoCaseId = Guid.NewGuid() }), 404 },
        { "merge without a target", "merge", "{}", 400 },
        { "stale expectedVersion", "acknowledge", """{"expectedVersion":7}""", 409 },
        { "expectedVersion of the wrong JSON type", "acknowledge", """{"expectedVersion":"seven"}""", 400 },
        { "malformed JSON", "acknowledge", """{"note":""", 400 },
        { "JSON null", "withdraw", "null", 400 },
        { "withdraw without a reason", "withdraw", """{"reason":""}""", 400 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Bad_commands_are_refused_and_change_nothing(string why, string command, string body, int status)
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        var streams = await StreamCount();

        var answer = await Api.PostRaw($"/api/cases/{caseId}/{command}", body);

        answer.ShouldBe((HttpStatusCode)status);
        Assert.True((await StreamOf(caseId)).Count == 1, $"{why}: the case changed");
        Assert.Equal(streams, await StreamCount());
        Assert.Equal(1, (await StoredCase(caseId))!.Version);
    }

    [Fact]
    public async Task Acknowledging_a_case_that_sits_at_another_node_is_refused()
    {
        var caseId = (await Api.FileAppeal()).CaseId;

        // Another street's worker: the case is outside their scope, so it is hidden exactly like a missing one.
        var hidden = (await Api.Command(caseId, "acknowledge", new { }, Caller.GridWorker(SuchengDemoData.Known.LvzhouBuilding9Unit1))).ShouldBe(HttpStatusCode.NotFound);
        var missing = (await Api.Command(Guid.Empty, "acknowledge", new { }, Caller.GridWorker(SuchengDemoData.Known.LvzhouBuilding9Unit1))).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(missing.Text("detail").Replace(Guid.Empty.ToString(), caseId.ToString(), StringComparison.Ordinal), hidden.Text("detail"));

        // The grid head above it may see it, but the domain wants the micro-grid to acknowledge first.
        var answer = (await Api.Command(caseId, "acknowledge", new { }, Caller.GridWorker(SuchengDemoData.Known.YafangGrid))).ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains(SuchengDemoData.Known.YafangBuilding4, answer.Text("detail"), StringComparison.Ordinal);
        Assert.Single(await StreamOf(caseId));
    }

    [Fact]
    public async Task Merging_a_case_into_itself_is_refused()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        (await Api.Command(caseId, "merge", new { intoCaseId = caseId })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Single(await StreamOf(caseId));
    }

    private const string Limits = """{"acknowledge":"PT1H","acceptDispatch":"PT1H","resolve":"P1D","feedbackWindow":"P1D"}""";

    public static TheoryData<string, string, string, int> ReferenceChanges => new()
    {
        { "a start rule without its category", "/api/routing-rules", """{"startRules":[{"urgency":"normal","startAt":"street"}],"suggestedDepartments":{}}""", 400 },
        { "a start rule with a null category", "/api/routing-rules", """{"startRules":[{"category":null,"urgency":"normal","startAt":"street"}],"suggestedDepartments":{}}""", 400 },
        { "a start rule for an unknown category", "/api/routing-rules", """{"startRules":[{"category":"aliens","urgency":"normal","startAt":"street"}],"suggestedDepartments":{}}""", 400 },
        { "a null start rule", "/api/routing-rules", """{"startRules":[null],"suggestedDepartments":{}}""", 400 },
        { "a start rule at a micro-grid", "/api/routing-rules", """{"startRules":[{"category":"dispute","urgency":"normal","startAt":"microgrid"}],"suggestedDepartments":{}}""", 400 },
        { "two start rules for one category and urgency", "/api/routing-rules", """{"startRules":[{"category":"dispute","urgency":"normal","startAt":"street"},{"category":"dispute","urgency":"normal","startAt":"grid"}],"suggestedDepartments":{}}""", 400 },
        { "a suggestion of no department", "/api/routing-rules", """{"startRules":[],"suggestedDepartments":{"dispute":null}}""", 400 },
        { "a suggestion of an unknown department", "/api/routing-rules", """{"startRules":[],"suggestedDepartments":{"dispute":"ministry-of-magic"}}""", 400 },
        { "routing rules without start rules", "/api/routing-rules", """{"suggestedDepartments":{}}""", 400 },
        { "routing rules of JSON null", "/api/routing-rules", "null", 400 },
        { "routing rules of malformed JSON", "/api/routing-rules", """{"startRules":[""", 400 },
        { "limits of JSON null", "/api/categories/dispute/limits", "null", 400 },
        { "limits without urgent", "/api/categories/dispute/limits", $$"""{"normal":{{Limits}},"resolveInWorkingDays":true}""", 400 },
        { "limits with a null duration", "/api/categories/dispute/limits", $$"""{"normal":{"acknowledge":null,"acceptDispatch":"PT1H","resolve":"P1D","feedbackWindow":"P1D"},"urgent":{{Limits}},"resolveInWorkingDays":true}""", 400 },
        { "limits of a year and a day", "/api/categories/dispute/limits", $$"""{"normal":{{Limits}},"urgent":{"acknowledge":"P367D","acceptDispatch":"PT1H","resolve":"P1D","feedbackWindow":"P1D"},"resolveInWorkingDays":true}""", 400 },
        { "limits for an unknown category", "/api/categories/aliens/limits", $$"""{"normal":{{Limits}},"urgent":{{Limits}},"resolveInWorkingDays":true}""", 404 },
    };

    [Theory]
    [MemberData(nameof(ReferenceChanges))]
    public async Task Bad_reference_changes_are_refused_and_record_nothing(string why, string path, string body, int status)
    {
        var history = (await Api.Get("/api/reference/changes?limit=1000")).ShouldBe(HttpStatusCode.OK).Body!.ToJsonString();
        var routing = (await Api.Get("/api/routing-rules")).ShouldBe(HttpStatusCode.OK).Body!.ToJsonString();
        var categories = (await Api.Get("/api/categories")).ShouldBe(HttpStatusCode.OK).Body!.ToJsonString();

        var answer = await Api.Send(HttpMethod.Put, path, body, null);

        answer.ShouldBe((HttpStatusCode)status);
        Assert.True(history == (await Api.Get("/api/reference/changes?limit=1000")).Body!.ToJsonString(), $"{why}: a change was recorded");
        Assert.Equal(routing, (await Api.Get("/api/routing-rules")).Body!.ToJsonString());
        Assert.Equal(categories, (await Api.Get("/api/categories")).Body!.ToJsonString());
    }

    [Theory]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000001", 404)]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000001/history", 404)]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000001/state?version=1", 404)]
    [InlineData("/api/cases?status=lost", 400)]
    [InlineData("/api/cases?pageSize=1000", 400)]
    [InlineData("/api/cases?page=0", 400)]
    [InlineData("/api/cases?page=abc", 400)]
    [InlineData("/api/grid/nowhere", 404)]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000001/state?at=yesterday", 400)]
    [InlineData("/api/cases/00000000-0000-0000-0000-000000000001/state", 400)]
    [InlineData("/api/cases?page=99999999999", 400)]
    [InlineData("/api/departments/nobody/dispatches", 404)]
    [InlineData("/api/departments/urban/dispatches?limit=0", 400)]
    [InlineData("/api/reference/changes?after=yesterday", 400)]
    [InlineData("/api/reference/changes?after=-1", 400)]
    [InlineData("/api/reference/changes?limit=0", 400)]
    [InlineData("/api/reference/changes?limit=1001", 400)]
    public async Task Bad_queries_get_their_4xx(string path, int status) =>
        (await Api.Get(path)).ShouldBe((HttpStatusCode)status);

    [Fact]
    public async Task Commands_on_unknown_cases_are_404_and_create_nothing()
    {
        var streams = await StreamCount();
        (await Api.PostRaw($"/api/cases/{Guid.NewGuid()}/acknowledge", "{}")).ShouldBe(HttpStatusCode.NotFound);
        (await Api.PostRaw("/api/cases/not-a-guid/acknowledge", "{}")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(streams, await StreamCount());
    }
}
