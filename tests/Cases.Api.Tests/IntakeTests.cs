using System.Net;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests;

public sealed class IntakeTests(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_same_idempotency_key_with_the_same_body_returns_the_same_case_and_files_nothing_new()
    {
        var key = Guid.NewGuid().ToString();
        var first = await Api.FileAppeal(idempotencyKey: key);
        var streams = await StreamCount();

        var retry = await Api.FileAppeal(idempotencyKey: key);

        Assert.Equal(first.CaseId, retry.CaseId);
        Assert.Equal(first.Text("caseNumber"), retry.Text("caseNumber"));
        Assert.Equal(streams, await StreamCount());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_a_conflict_and_files_nothing()
    {
        var key = Guid.NewGuid().ToString();
        await Api.FileAppeal(idempotencyKey: key);
        var streams = await StreamCount();
        var different = new
        {
            channel = "online",
            category = "hazard",
            urgency = "urgent",
            title = "Loose manhole cover",
            description = "At the gate of building 9.",
            microGridId = SuchengDemoData.Known.LvzhouBuilding9Unit1,
            resident = new { name = "李华", phone = "13900002222" },
        };

        (await Api.Post("/api/appeals", different, idempotencyKey: key)).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal(streams, await StreamCount());
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_file_exactly_one_case()
    {
        var key = Guid.NewGuid().ToString();
        var streams = await StreamCount();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Api.Post("/api/appeals", ApiClient.Appeal, idempotencyKey: key)));

        Assert.All(answers, a => a.ShouldBe(HttpStatusCode.Created));
        Assert.Single(answers.Select(a => a.CaseId).Distinct());
        Assert.Equal(streams + 1, await StreamCount());
    }

    [Fact]
    public async Task Case_numbers_are_unique_and_readable()
    {
        var numbers = new List<string>();
        foreach (var _ in Enumerable.Range(0, 5))
        {
            numbers.Add((await Api.FileAppeal()).Text("caseNumber"));
        }

        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.Matches(@"^SC-\d{8}-\d{6,}$", n));
    }

    [Fact]
    public async Task An_urgent_hazard_starts_at_the_street_by_rule()
    {
        var filed = await Api.FileAppeal(new
        {
            channel = "walk-in",
            category = "hazard",
            urgency = "urgent",
            title = "Gas smell in the stairwell",
            description = "Unit 1, every morning.",
            microGridId = SuchengDemoData.Known.LvzhouBuilding9Unit1,
            resident = new { name = "赵敏", phone = "+86 139-0000-1111" },
        });

        var view = await Api.Case(filed.CaseId);
        Assert.Equal("walk-in", view.Text("channel"));
        Assert.Equal("urgent", view.Text("urgency"));
        Assert.Equal("street", view.Text("currentLevel"));
        Assert.Equal(SuchengDemoData.Known.XiangliStreet, view.Text("currentNodeId"));
        Assert.Equal(SuchengDemoData.Known.LvzhouBuilding9Unit1, view.Text("microGridId"));
        var raised = view.Body!["raisedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(raised.AddMinutes(30), view.Body["acknowledgeBy"]!.GetValue<DateTimeOffset>());
    }
}
