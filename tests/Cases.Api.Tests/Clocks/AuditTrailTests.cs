using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Domain;
using JasperFx.Events;
using Marten;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Clocks;

/// <summary>An auditor replays a case that people and clocks both acted on: the history, and the case at several moments.</summary>
[Collection(ClockCollection.Name)]
public sealed class AuditTrailTests(ClockFixture fixture)
{
    private const string MicroGrid = SuchengDemoData.Known.YafangBuilding4;
    private const string Grid = SuchengDemoData.Known.YafangGrid;

    private ApiClient Api => fixture.Api;

    [Fact]
    public async Task History_and_state_at_any_version_or_moment_tell_who_did_what_people_and_clocks_alike()
    {
        // dispute: acknowledge within 2 s, so the clock escalates the case to the grid by itself.
        var appeal = new
        {
            channel = "hotline", category = "dispute", urgency = "normal", title = "Audit trail", description = "Clock and people.",
            microGridId = MicroGrid, resident = new { name = "孙", phone = "13500000000" },
        };
        // The agent's tool sends a W3C trace context: its trace id becomes the correlation of everything the filing causes.
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var filed = (await Api.Post("/api/appeals", appeal, Caller.Agent, traceparent: $"00-{traceId}-00f067aa0ba902b7-01")).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(traceId, filed.Headers.GetValues("X-Correlation-Id").Single());
        var caseId = filed.CaseId;
        await Eventually(() => Stream(caseId), s => s.Any(e => e.Data is CaseEscalated), TimeSpan.FromSeconds(30), "the acknowledge clock to escalate");
        var gridHead = Caller.GridWorker(Grid);
        var acknowledge = await Api.Command(caseId, "acknowledge", new { note = "On it." }, gridHead);
        for (var tries = 0; acknowledge.Status == HttpStatusCode.Conflict && tries < 5; tries++)
        {
            acknowledge = await Api.Command(caseId, "acknowledge", new { note = "On it." }, gridHead);
        }

        acknowledge.ShouldBe(HttpStatusCode.OK);

        var history = (await Api.Get($"/api/cases/{caseId}/history", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;
        var events = history["events"]!.AsArray().Select(e => e!).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e["version"]!.GetValue<long>()));
        Assert.Equal("appeal_raised", events[0]["type"]!.GetValue<string>());
        Assert.Equal(Caller.Agent.Id, ActorOf(events[0]));
        var escalation = events.FindIndex(e => e["type"]!.GetValue<string>() == "case_escalated");
        Assert.Equal("system", ActorOf(events[escalation]));
        Assert.Equal("timeout", events[escalation]["data"]!["reason"]!.GetValue<string>());
        Assert.All(events.Take(escalation).Skip(1), e => Assert.Equal("clock_elapsed", e["type"]!.GetValue<string>()));
        var acknowledged = events.FindIndex(e => e["type"]!.GetValue<string>() == "case_acknowledged");
        Assert.True(acknowledged > escalation);
        Assert.Equal(gridHead.Id, ActorOf(events[acknowledged]));

        // Correlation: the filing and every timer it set share the caller's trace id; the acknowledgement is a request
        // of its own, whose id (chosen by the service, as the caller sent no trace context) it was answered with.
        Assert.All(events.Take(escalation + 1), e => Assert.Equal(traceId, e["correlationId"]!.GetValue<string>()));
        var acknowledgeCorrelation = acknowledge.Headers.GetValues("X-Correlation-Id").Single();
        Assert.NotEqual(traceId, acknowledgeCorrelation);
        Assert.Equal(acknowledgeCorrelation, events[acknowledged]["correlationId"]!.GetValue<string>());

        // Causation: the command by its operation id, the timers by clock and stage.
        Assert.Equal("command:fileAppeal", events[0]["causationId"]!.GetValue<string>());
        Assert.All(events.Skip(1).Take(escalation - 1), e => Assert.StartsWith("clock:acknowledge/", e["causationId"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal("clock:acknowledge/expired", events[escalation]["causationId"]!.GetValue<string>());
        Assert.Equal("command:acknowledge", events[acknowledged]["causationId"]!.GetValue<string>());
        Assert.DoesNotContain("13500000000", history.ToJsonString(), StringComparison.Ordinal);

        // By version: as raised, as escalated by the clock, as acknowledged by the grid head.
        var raised = await State(caseId, "version=1");
        Assert.Equal(("open", MicroGrid, 0), (raised.Text("status"), raised.Text("currentNodeId"), raised.Body!["escalations"]!.GetValue<int>()));
        var escalated = await State(caseId, $"version={escalation + 1}");
        Assert.Equal(("open", Grid, 1), (escalated.Text("status"), escalated.Text("currentNodeId"), escalated.Body!["escalations"]!.GetValue<int>()));
        var now = await State(caseId, $"version={acknowledged + 1}");
        Assert.Equal(("acknowledged", Grid), (now.Text("status"), now.Text("currentNodeId")));

        // By moment: just before the clock escalated it, it was still open at its micro-grid.
        var escalatedAt = DateTimeOffset.Parse(events[escalation]["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var before = await State(caseId, "at=" + Uri.EscapeDataString(escalatedAt.AddMilliseconds(-1).ToString("O", CultureInfo.InvariantCulture)));
        Assert.Equal(("open", MicroGrid), (before.Text("status"), before.Text("currentNodeId")));
        var atEscalation = await State(caseId, "at=" + Uri.EscapeDataString(escalatedAt.ToString("O", CultureInfo.InvariantCulture)));
        Assert.Equal(Grid, atEscalation.Text("currentNodeId"));
        Assert.True(atEscalation.Body!["resident"]!["masked"]!.GetValue<bool>(), "an auditor sees the resident masked in a past state too");

        // Before it existed, and past its last version, there is nothing to show.
        var early = DateTimeOffset.Parse(events[0]["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture).AddMinutes(-1);
        (await Api.Get($"/api/cases/{caseId}/state?at={Uri.EscapeDataString(early.ToString("O", CultureInfo.InvariantCulture))}", Caller.Auditor)).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get($"/api/cases/{caseId}/state?version={events.Count + 1}", Caller.Auditor)).ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<Answer> State(Guid caseId, string query) =>
        (await Api.Get($"/api/cases/{caseId}/state?{query}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);

    private static string ActorOf(JsonNode historyEvent) => historyEvent["actor"]!["id"]!.GetValue<string>();

    private async Task<IReadOnlyList<IEvent>> Stream(Guid caseId)
    {
        await using var session = fixture.Store.QuerySession();
        return await session.Events.FetchStreamAsync(caseId);
    }
}
