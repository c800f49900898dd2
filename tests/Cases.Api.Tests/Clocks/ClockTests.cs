using System.Net;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Domain;
using Cases.Domain.Clocks;
using JasperFx.Events;
using Marten;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Clocks;

[Collection(ClockCollection.Name)]
public sealed class ClockTests(ClockFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ApiClient Api => fixture.Api;

    private static object Appeal(string category, string microGridId = SuchengDemoData.Known.YafangBuilding4) => new
    {
        channel = "hotline",
        category,
        urgency = "normal",
        title = $"A {category} appeal",
        description = "Clock test.",
        microGridId,
        resident = new { name = "钱", phone = "13600000000" },
    };

    private async Task<IReadOnlyList<IEvent>> Stream(Guid caseId)
    {
        await using var session = fixture.Store.QuerySession();
        return await session.Events.FetchStreamAsync(caseId);
    }

    private Task<IReadOnlyList<IEvent>> StreamUntil(Guid caseId, Func<IReadOnlyList<IEvent>, bool> until, string what) =>
        Eventually(() => Stream(caseId), until, Patience, what);

    private static IEnumerable<T> Of<T>(IReadOnlyList<IEvent> stream) => stream.Select(e => e.Data).OfType<T>();

    [Fact]
    public async Task A_case_nobody_acknowledges_climbs_to_the_district_by_timeouts_alone_and_stops_there()
    {
        var caseId = (await Api.FileAppeal(Appeal("dispute"))).CaseId;

        var stream = await StreamUntil(caseId, s => Of<CaseSupervised>(s).Any(), "the district's acknowledge clock to expire");

        var escalations = Of<CaseEscalated>(stream).ToList();
        Assert.Equal(["sc.xl.xl.yf", "sc.xl.xl", "sc.xl", "sc"], escalations.Select(e => e.To.Id));
        Assert.All(escalations, e => Assert.Equal(EscalationReason.Timeout, e.Reason));
        Assert.All(escalations, e => Assert.Equal("system", e.By.Id));

        // Every node's clock expired exactly once. Its warnings came first, each at most once: a warning
        // whose timer lost a race with the expiry is superseded by it, never repeated after it.
        var marks = Of<ClockElapsed>(stream).ToList();
        foreach (var node in new[] { SuchengDemoData.Known.YafangBuilding4, "sc.xl.xl.yf", "sc.xl.xl", "sc.xl", "sc" })
        {
            var stages = marks.Where(m => m.Key == node).Select(m => m.Stage).ToList();
            Assert.Equal(ClockStage.Expired, stages[^1]);
            Assert.Single(stages, ClockStage.Expired);
            Assert.True(stages.Count(s => s == ClockStage.Warning50) <= 1 && stages.Count(s => s == ClockStage.Warning75) <= 1, string.Join(",", stages));
        }

        Assert.Contains(marks, m => m.Stage == ClockStage.Warning50);
        Assert.Equal(marks.Count, marks.Select(m => (m.Clock, m.Stage, m.Key, m.Deadline)).Distinct().Count());
        var view = await Api.Case(caseId);
        Assert.Equal("district", view.Text("currentLevel"));
        Assert.Equal(1, view.Body!["supervisions"]!.GetValue<int>());
        Assert.Equal(marks.Count, view.Body["warnings"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_dispatch_not_accepted_in_time_is_supervised_and_the_dispatching_nodes_parent_is_told()
    {
        var caseId = (await Api.FileAppeal(Appeal("service"))).CaseId;
        await Api.Command(caseId, "escalate", new { reason = "Needs a department." });
        await Api.Command(caseId, "acknowledge", new { });
        (await Api.Command(caseId, "dispatch", new { departmentId = "civil" })).ShouldBe(HttpStatusCode.OK);

        var stream = await StreamUntil(caseId, s => Of<CaseSupervised>(s).Any(), "the acceptance clock to expire");

        var supervision = Of<CaseSupervised>(stream).Single();
        Assert.Equal(SuchengDemoData.Known.XiangliCommunity, supervision.NodeId);
        Assert.Contains("civil", supervision.Note, StringComparison.Ordinal);
        Assert.Single(Of<ClockElapsed>(stream), m => m is { Clock: ClockKind.AcceptDispatch, Stage: ClockStage.Expired });
        Assert.Equal("dispatched", (await Api.Case(caseId)).Text("status"));
    }

    [Fact]
    public async Task A_resolved_case_closes_by_itself_when_the_feedback_window_passes()
    {
        var caseId = (await Api.FileAppeal(Appeal("service"))).CaseId;
        await Api.Command(caseId, "acknowledge", new { });
        (await Api.Command(caseId, "resolve", new { resolution = "Fixed the door." })).ShouldBe(HttpStatusCode.OK);

        var stream = await StreamUntil(caseId, s => Of<CaseClosed>(s).Any(), "the feedback window to close the case");

        Assert.Equal(CloseReason.FeedbackWindowElapsed, Of<CaseClosed>(stream).Single().Reason);
        Assert.Equal("closed", (await Api.Case(caseId)).Text("status"));
    }

    [Fact]
    public async Task A_case_past_its_resolution_deadline_is_supervised_and_escalated_as_overdue()
    {
        var caseId = (await Api.FileAppeal(Appeal("hazard"))).CaseId;
        await Api.Command(caseId, "acknowledge", new { });

        var stream = await StreamUntil(caseId, s => Of<CaseEscalated>(s).Any(), "the resolve clock to expire");

        Assert.Single(Of<CaseSupervised>(stream));
        Assert.Equal(EscalationReason.Overdue, Of<CaseEscalated>(stream).Single().Reason);
        var listed = (await Api.Get($"/api/cases?nodeId={SuchengDemoData.Known.YafangGrid}&overdue=true&category=hazard&pageSize=200")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(listed.Body!["items"]!.AsArray(), i => i!["caseId"]!.GetValue<Guid>() == caseId);
    }

    [Fact]
    public async Task A_paused_clock_holds_until_the_case_is_resumed()
    {
        var control = (await Api.FileAppeal(Appeal("dispute", SuchengDemoData.Known.LvzhouBuilding9Unit1))).CaseId;
        var paused = (await Api.FileAppeal(Appeal("dispute", SuchengDemoData.Known.LvzhouBuilding9Unit1))).CaseId;
        // On a loaded machine a warning can fire between filing and pausing: the pause then meets a 409 and, as a
        // client would, reads the case again and retries. Bounded: a clock stage fires at most a few times.
        var pause = await Api.Command(paused, "pause", new { reason = "The resident is away." });
        for (var tries = 0; pause.Status == HttpStatusCode.Conflict && tries < 5; tries++)
        {
            pause = await Api.Command(paused, "pause", new { reason = "The resident is away." });
        }

        pause.ShouldBe(HttpStatusCode.OK);
        var clocks = (await Api.Case(paused)).Body!["clocks"]!.AsArray();
        Assert.All(clocks, c => Assert.Equal("paused", c!["state"]!.GetValue<string>()));

        // The control case was filed with the same limit: once it has escalated, the paused case's timers have come due too.
        await StreamUntil(control, s => Of<CaseEscalated>(s).Any(), "the control case to escalate");
        await StreamUntil(control, s => Of<CaseEscalated>(s).Count() >= 2, "the control case to escalate twice");
        // Nothing fired while it was paused (a warning may have fired before the pause landed: that one is no test of it).
        var whilePaused = (await Stream(paused)).SkipWhile(e => e.Data is not CasePaused).ToList();
        Assert.Empty(Of<CaseEscalated>(whilePaused));
        Assert.Empty(Of<ClockElapsed>(whilePaused));

        (await Api.Command(paused, "resume", new { })).ShouldBe(HttpStatusCode.OK);
        var stream = await StreamUntil(paused, s => Of<CaseEscalated>(s).Any(), "the resumed case to escalate");
        var resumed = Of<CaseResumed>(stream).Single();
        Assert.True(resumed.PausedFor > TimeSpan.FromSeconds(2));
        Assert.True(stream.Single(e => e.Data is CaseEscalated).Timestamp >= stream.Single(e => e.Data is CaseResumed).Timestamp);
    }
}
