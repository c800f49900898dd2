using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Domain;
using Cases.Domain.Clocks;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Clocks;

/// <summary>Clocks survive a restart, and two hosts on one database act on each expiry once.</summary>
[Collection(ClockCollection.Name)]
public sealed class DurableClockTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static object Appeal(string microGridId) => new
    {
        channel = "hotline",
        category = "dispute",
        urgency = "normal",
        title = "Durable clock",
        description = "Restart test.",
        microGridId,
        resident = new { name = "孙", phone = "13500000000" },
    };

    private static async Task<IReadOnlyList<object>> Events(IDocumentStore store, Guid caseId)
    {
        await using var session = store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(caseId)).Select(e => e.Data)];
    }

    [Fact]
    public async Task A_clock_scheduled_before_a_restart_fires_exactly_once_after_it()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_restart");
        Guid caseId;
        await using (var first = await StartAsync(database))
        {
            var api = new ApiClient(first.Server.CreateClient());
            await ClockFixture.SetLimits(api, "dispute", acknowledge: "PT3S", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
            caseId = (await api.FileAppeal(Appeal(SuchengDemoData.Known.YafangBuilding4))).CaseId;
            Assert.DoesNotContain(await Events(first.Services.GetRequiredService<IDocumentStore>(), caseId), e => e is ClockElapsed);
        }

        await using var second = await StartAsync(database);
        var store = second.Services.GetRequiredService<IDocumentStore>();
        var events = await Eventually(() => Events(store, caseId), e => e.OfType<CaseEscalated>().Any(), Patience, "the clock to fire on the new host");

        var expiries = events.OfType<ClockElapsed>().Where(m => m is { Stage: ClockStage.Expired, Key: SuchengDemoData.Known.YafangBuilding4 }).ToList();
        Assert.Single(expiries);
        var escalation = events.OfType<CaseEscalated>().First();
        Assert.Equal(EscalationReason.Timeout, escalation.Reason);
        Assert.Equal(SuchengDemoData.Known.YafangBuilding4, escalation.FromNodeId);
        Assert.Equal(events.OfType<ClockElapsed>().Count(), events.OfType<ClockElapsed>().Select(m => (m.Clock, m.Stage, m.Key, m.Deadline)).Distinct().Count());
    }

    [Fact]
    public async Task A_clock_claimed_by_a_live_node_but_not_held_is_released_and_fires()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_orphan");
        await using var host = await StartAsync(database);
        var api = new ApiClient(host.Server.CreateClient());
        await ClockFixture.SetLimits(api, "dispute", acknowledge: "PT10M", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
        var caseId = (await api.FileAppeal(Appeal(SuchengDemoData.Known.YafangBuilding4))).CaseId;

        // What a failure between claiming a due clock and queueing it leaves behind: the rows are owned by this live node,
        // which does not hold them. The first stages are minutes away, so only the release can run them within the test.
        var node = host.Services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>().Options.Durability.AssignedNodeNumber;
        int orphaned;
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var orphan = new Npgsql.NpgsqlCommand("""
                update cases.wolverine_incoming_envelopes
                set status = 'Incoming', owner_id = @node, execution_time = null, timestamp = now() - interval '10 minutes'
                where status = 'Scheduled' and position(convert_to(@case, 'UTF8') in body) > 0
                """, connection);
            orphan.Parameters.AddWithValue("node", node);
            orphan.Parameters.AddWithValue("case", caseId.ToString());
            orphaned = await orphan.ExecuteNonQueryAsync();
        }

        Assert.True(orphaned >= 1, "The case had no scheduled clock to orphan.");

        var store = host.Services.GetRequiredService<IDocumentStore>();
        var events = await Eventually(() => Events(store, caseId), e => e.OfType<ClockElapsed>().Count() >= orphaned,
            Patience + Infrastructure.Health.Distribution.InboxStaleTime, "the orphaned clocks to be released and to fire");
        var marks = events.OfType<ClockElapsed>().ToList();
        Assert.Equal(orphaned, marks.Count);
        Assert.All(marks, m => Assert.Equal(ClockStage.Warning50, m.Stage));
        Assert.Contains(marks, m => m.Clock == ClockKind.Acknowledge);
    }

    [Fact]
    public async Task Two_hosts_on_one_database_escalate_each_expiry_once()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_twohosts");
        await using var first = await StartAsync(database);
        var firstApi = new ApiClient(first.Server.CreateClient());
        await ClockFixture.SetLimits(firstApi, "dispute", acknowledge: "PT2S", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
        await using var second = await StartAsync(database);
        var secondApi = new ApiClient(second.Server.CreateClient());

        var cases = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            cases.Add((await (i % 2 == 0 ? firstApi : secondApi).FileAppeal(Appeal(SuchengDemoData.Known.LvzhouBuilding9Unit1))).CaseId);
        }

        var store = first.Services.GetRequiredService<IDocumentStore>();
        foreach (var caseId in cases)
        {
            var events = await Eventually(() => Events(store, caseId), e => e.OfType<CaseEscalated>().Count() >= 2, Patience, $"case {caseId} to escalate twice");
            var marks = events.OfType<ClockElapsed>().ToList();
            Assert.Equal(marks.Count, marks.Select(m => (m.Clock, m.Stage, m.Key, m.Deadline)).Distinct().Count());
            Assert.Single(events.OfType<CaseEscalated>(), e => e.FromNodeId == SuchengDemoData.Known.LvzhouBuilding9Unit1);
            Assert.Single(events.OfType<CaseEscalated>(), e => e.FromNodeId == SuchengDemoData.Known.LijingwanGrid);
        }
    }
}
