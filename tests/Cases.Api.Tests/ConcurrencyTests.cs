using System.Net;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests;

public sealed class ConcurrencyTests(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task When_commands_race_on_one_case_exactly_one_wins_and_the_rest_get_409()
    {
        var caseId = (await Api.FileAppeal()).CaseId;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Api.Command(caseId, "acknowledge", new { note = $"racer {i}" })));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => a.ShouldBe(HttpStatusCode.Conflict));
        Assert.Equal(2, (await StreamOf(caseId)).Count);
    }

    [Fact]
    public async Task Racing_different_commands_never_leaves_more_than_one_winner_per_version()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        await Api.Command(caseId, "acknowledge", new { });

        var answers = await Task.WhenAll(
            Api.Command(caseId, "escalate", new { reason = "up", expectedVersion = 2 }),
            Api.Command(caseId, "resolve", new { resolution = "done", expectedVersion = 2 }),
            Api.Command(caseId, "withdraw", new { reason = "gone", expectedVersion = 2 }),
            Api.Command(caseId, "pause", new { reason = "away", expectedVersion = 2 }));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => a.ShouldBe(HttpStatusCode.Conflict));
        Assert.Equal(3, (await StreamOf(caseId)).Count);
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused_and_changes_nothing()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        await Api.Command(caseId, "acknowledge", new { expectedVersion = 1 });

        var stale = (await Api.Command(caseId, "resolve", new { resolution = "done", expectedVersion = 1 })).ShouldBe(HttpStatusCode.Conflict);

        Assert.Contains("version 2", stale.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(2, (await StreamOf(caseId)).Count);
        (await Api.Command(caseId, "resolve", new { resolution = "done", expectedVersion = 2 })).ShouldBe(HttpStatusCode.OK);
    }
}
