using System.Net;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Domain;

namespace Cases.Api.Tests;

public sealed class LifecycleTests(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Grid = SuchengDemoData.Known.YafangGrid;
    private const string MicroGrid = SuchengDemoData.Known.YafangBuilding4;

    [Fact]
    public async Task An_appeal_goes_from_intake_to_closure_and_every_step_is_an_event()
    {
        var filed = await Api.FileAppeal(actor: Caller.Agent);
        var caseId = filed.CaseId;
        Assert.Matches(@"^SC-\d{8}-\d{6}$", filed.Text("caseNumber"));
        Assert.Equal("open", filed.Text("status"));
        Assert.Equal(MicroGrid, filed.Text("currentNodeId"));
        Assert.Equal($"/api/cases/{caseId}", filed.Headers.Location?.OriginalString);

        var worker = Caller.GridWorker(MicroGrid);
        (await Api.Command(caseId, "acknowledge", new { note = "Calling the resident." }, worker)).ShouldBe(HttpStatusCode.OK);
        var escalated = (await Api.Command(caseId, "escalate", new { reason = "Needs the grid head." }, worker)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(Grid, escalated.Text("currentNodeId"));
        Assert.Equal("grid", escalated.Text("currentLevel"));
        Assert.Equal("open", escalated.Text("status"));

        var gridHead = Caller.CoordinatorAt(Grid);
        (await Api.Command(caseId, "acknowledge", new { }, gridHead)).ShouldBe(HttpStatusCode.OK);
        var dispatched = (await Api.Command(caseId, "dispatch", new { departmentId = "urban", instructions = "Inspect after 22:00." }, gridHead)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("dispatched", dispatched.Text("status"));
        var dispatchId = dispatched.Body!["dispatches"]![0]!["dispatchId"]!.GetValue<Guid>();

        var urban = Caller.Department("urban");
        var accepted = (await Api.Command(caseId, $"dispatches/{dispatchId}/accept", new { }, urban)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.Body!["dispatches"]![0]!["status"]!.GetValue<string>());
        var resolved = (await Api.Command(caseId, "resolve", new { resolution = "Contractor stops at 21:00." }, urban)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("resolved", resolved.Text("status"));
        Assert.NotNull(resolved.Body!["resolvedAt"]);

        var closed = (await Api.Command(caseId, "feedback", new { satisfied = true, score = 5, comment = "Quiet now." }, Caller.Agent)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("closed", closed.Text("status"));
        Assert.Equal(5, closed.Body!["feedback"]!["score"]!.GetValue<int>());

        // Read your own writes, and the store holds every step with who did it.
        var view = await Api.Case(caseId);
        Assert.Equal("closed", view.Text("status"));
        Assert.Equal(closed.Version, view.Version);
        Assert.Equal(
            [typeof(AppealRaised), typeof(CaseAcknowledged), typeof(CaseEscalated), typeof(CaseAcknowledged), typeof(CaseDispatched),
             typeof(DispatchAccepted), typeof(CaseResolved), typeof(FeedbackReceived), typeof(CaseClosed)],
            await EventTypesOf(caseId));
        var stream = await StreamOf(caseId);
        Assert.Equal(["agent-li", worker.Id, worker.Id, gridHead.Id, gridHead.Id, urban.Id, urban.Id, "agent-li", "agent-li"],
            stream.Select(e => ((ICaseEvent)e.Data).By.Id));
        Assert.Equal(stream.Count, view.Version);
    }

    [Fact]
    public async Task Unsatisfied_feedback_reopens_the_case_to_whoever_resolved_it()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        var worker = Caller.GridWorker(MicroGrid);
        await Api.Command(caseId, "acknowledge", new { }, worker);
        (await Api.Command(caseId, "resolve", new { resolution = "Talked to the neighbour." }, worker)).ShouldBe(HttpStatusCode.OK);

        var reopened = (await Api.Command(caseId, "feedback", new { satisfied = false, score = 2, comment = "Still noisy." })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("acknowledged", reopened.Text("status"));
        Assert.Equal(1, reopened.Body!["reworks"]!.GetValue<int>());
        Assert.Equal(MicroGrid, reopened.Text("currentNodeId"));
        Assert.Null(reopened.Body["resolvedAt"]);

        (await Api.Command(caseId, "resolve", new { resolution = "Second visit; agreement signed." }, worker)).ShouldBe(HttpStatusCode.OK);
        var closed = (await Api.Command(caseId, "close", new { note = "Verified by phone." })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("closed", closed.Text("status"));
        Assert.Contains(typeof(CaseReopened), await EventTypesOf(caseId));
        Assert.Equal(1, (await StoredCase(caseId))!.Reworks);
    }

    [Fact]
    public async Task A_returned_dispatch_goes_back_to_the_dispatching_node_and_can_be_dispatched_again()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        var worker = Caller.GridWorker(MicroGrid);
        await Api.Command(caseId, "acknowledge", new { }, worker);
        await Api.Command(caseId, "escalate", new { reason = "Needs a department." }, worker);
        await Api.Command(caseId, "acknowledge", new { }, Caller.GridWorker(Grid));
        var first = (await Api.Command(caseId, "dispatch", new { departmentId = "water" })).ShouldBe(HttpStatusCode.OK);
        var dispatchId = first.Body!["dispatches"]![0]!["dispatchId"]!.GetValue<Guid>();

        var returned = (await Api.Command(caseId, $"dispatches/{dispatchId}/return", new { reason = "Not a water matter." }, Caller.Department("water"))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("acknowledged", returned.Text("status"));
        Assert.Equal(Grid, returned.Text("currentNodeId"));
        Assert.Equal("returned", returned.Body!["dispatches"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("Not a water matter.", returned.Body["dispatches"]![0]!["returnReason"]!.GetValue<string>());

        var again = (await Api.Command(caseId, "dispatch", new { departmentId = "urban" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("dispatched", again.Text("status"));
        Assert.Equal(2, again.Body!["dispatches"]!.AsArray().Count);
        (await Api.Command(caseId, $"dispatches/{dispatchId}/accept", new { })).ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_case_escalates_up_the_tree_to_the_district_and_stops_there()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        var levels = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var answer = (await Api.Command(caseId, "escalate", new { reason = $"Step {i + 1}" })).ShouldBe(HttpStatusCode.OK);
            levels.Add(answer.Text("currentLevel"));
        }

        Assert.Equal(["grid", "community", "street", "district"], levels);
        Assert.Equal(SuchengDemoData.DistrictId, (await Api.Case(caseId)).Text("currentNodeId"));
        var refused = (await Api.Command(caseId, "escalate", new { reason = "Higher?" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("district", refused.Text("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(5, (await StreamOf(caseId)).Count);
    }

    [Fact]
    public async Task Pause_resume_extension_supervision_withdraw_and_merge_work_over_http()
    {
        var caseId = (await Api.FileAppeal()).CaseId;
        var other = (await Api.FileAppeal()).CaseId;
        var worker = Caller.GridWorker(MicroGrid);
        await Api.Command(caseId, "acknowledge", new { }, worker);

        var paused = (await Api.Command(caseId, "pause", new { reason = "Resident away until Friday." })).ShouldBe(HttpStatusCode.OK);
        Assert.True(paused.Body!["paused"]!.GetValue<bool>());
        var resumed = (await Api.Command(caseId, "resume", new { })).ShouldBe(HttpStatusCode.OK);
        Assert.False(resumed.Body!["paused"]!.GetValue<bool>());

        var resolveBy = resumed.Body["resolveBy"]!.GetValue<DateTimeOffset>();
        (await Api.Command(caseId, "extension", new { days = 3, reason = "Waiting for parts." }, worker)).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(caseId, "extension/decision", new { granted = true }, worker)).ShouldBe(HttpStatusCode.Forbidden);
        (await Api.Command(caseId, "extension/decision", new { granted = true }, Caller.CoordinatorAt(MicroGrid))).ShouldBe(HttpStatusCode.Conflict);
        var granted = (await Api.Command(caseId, "extension/decision", new { granted = true }, Caller.CoordinatorAt(Grid))).ShouldBe(HttpStatusCode.OK);
        Assert.True(granted.Body!["resolveBy"]!.GetValue<DateTimeOffset>() > resolveBy.AddDays(2));

        var supervised = (await Api.Command(caseId, "supervise", new { note = "Report by 17:00." }, Caller.Coordinator)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, supervised.Body!["supervisions"]!.GetValue<int>());

        var merged = (await Api.Command(other, "merge", new { intoCaseId = caseId })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("merged", merged.Text("status"));
        Assert.Equal(caseId, merged.Body!["mergedIntoCaseId"]!.GetValue<Guid>());

        var withdrawn = (await Api.Command(caseId, "withdraw", new { reason = "Settled with the neighbour." })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.Text("status"));
        (await Api.Command(caseId, "resolve", new { resolution = "Too late." })).ShouldBe(HttpStatusCode.Conflict);
    }
}
