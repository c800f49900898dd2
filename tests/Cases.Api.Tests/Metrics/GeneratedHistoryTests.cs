using Alba;
using Cases.Api.Reference;
using Cases.Api.Tests.Support;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Sla;
using Cases.Projections.Metrics;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cases.Api.Tests.Metrics;

/// <summary>
/// Ten thousand generated cases, appended straight to the store, then projected by a daemon the test drives:
/// the live rollups, a rebuild and a shadow copy must all agree, and a poison event must not stop it.
/// </summary>
public sealed class GeneratedHistoryTests
{
    private const int CaseCount = 10_000;

    [Fact]
    public async Task Live_and_rebuilt_metrics_equal_the_shadow_on_ten_thousand_generated_cases()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_generated");
        await using var host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", database)
            .UseSetting("Cases:Demo", "true")
            .UseSetting("Cases:Clocks", "false")
            .UseSetting("Cases:AsyncDaemon", "false"));
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var reference = await host.Services.GetRequiredService<ReferenceData>().GetAsync();
        var streams = await GenerateAsync(store, reference.Tree);

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(3));
        var applied = await HighWaterMarkAsync(store);

        Assert.Empty(await MetricsShadow.CompareAsync(store, applied));
        await using (var session = store.QuerySession())
        {
            var district = await session.LoadAsync<MetricsBucket>(MetricsBucket.IdFor("node:sc", CaseFacts.DayOf(Start), "dispute"));
            Assert.NotNull(district);
            Assert.True(district.Counts.Raised > 0);
            Assert.Equal(CaseCount, (await session.Query<MetricsBucket>().Where(b => b.Scope == "node:sc").ToListAsync()).Sum(b => b.Counts.Raised));
        }

        // A poison event (a second "raised" on an existing case) is dead-lettered; the cases after it still count.
        await using (var session = store.LightweightSession())
        {
            var victim = streams[0];
            var raisedAgain = (await session.Events.FetchStreamAsync(victim))[0].Data;
            session.Events.Append(victim, raisedAgain);
            await session.SaveChangesAsync();
        }

        await AppendOneMoreCaseAsync(store, reference.Tree);
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(1));
        await using (var session = store.QuerySession())
        {
            Assert.Equal(CaseCount + 1, (await session.Query<MetricsBucket>().Where(b => b.Scope == "node:sc").ToListAsync()).Sum(b => b.Counts.Raised));
            Assert.Single(await session.Query<ProjectionDeadLetter>().ToListAsync(), d => d.StreamId == streams[0] && d.EventType == "appeal_raised");
        }

        Assert.Empty(await MetricsShadow.CompareAsync(store, await HighWaterMarkAsync(store)));

        await daemon.RebuildProjectionAsync(MetricsProjection.Name, CancellationToken.None);
        Assert.Empty(await MetricsShadow.CompareAsync(store, await HighWaterMarkAsync(store)));
        await daemon.StopAllAsync();
    }

    private static readonly DateTimeOffset Start = new(2027, 4, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private static async Task<long> HighWaterMarkAsync(IDocumentStore store)
    {
        var statistics = await store.Advanced.FetchEventStoreStatistics();
        return statistics.EventSequenceNumber;
    }

    private static async Task<IReadOnlyList<Guid>> GenerateAsync(IDocumentStore store, GridTree tree)
    {
        var random = new Random(20270401);
        var microGrids = tree.Nodes.Where(n => n.Level == GridLevel.MicroGrid).Select(n => n.Id).ToArray();
        string[] categories = ["dispute", "hazard", "service", "information"];
        string[] departments = ["water", "urban", "police", "housing", "civil"];
        var policy = new SlaPolicy(WorkingCalendar.China2026);
        var ids = new List<Guid>();
        for (var batch = 0; batch < CaseCount / 500; batch++)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < 500; i++)
            {
                var n = batch * 500 + i;
                var at = Start.AddMinutes(n * 4 + random.Next(0, 3));
                var id = Guid.CreateVersion7(at);
                var state = (Case?)null;
                var events = new List<ICaseEvent>();
                void Step(Func<Case, DecisionContext, Decision> decide, Actor actor, int afterMinutes)
                {
                    at = at.AddMinutes(afterMinutes);
                    var decision = decide(state!, new DecisionContext(actor, at, tree, policy, CategoryLimits.Default));
                    foreach (var e in decision.Events)
                    {
                        events.Add(e);
                        state = Case.Evolve(state, e);
                    }
                }

                var raise = CaseDecider.Decide(
                    new RaiseAppeal(id, $"GEN-{n:D6}", Channel.Hotline, categories[n % 4], n % 10 == 0 ? Urgency.Urgent : Urgency.Normal,
                        "Generated", "Generated appeal", microGrids[random.Next(microGrids.Length)], new Resident("测试", "13000000000", null)),
                    new DecisionContext(new Actor("agent", "agent"), at, tree, policy, CategoryLimits.Default));
                foreach (var e in raise.Events)
                {
                    events.Add(e);
                    state = Case.Evolve(state, e);
                }

                var worker = new Actor("worker", "gridworker");
                if (random.NextDouble() < 0.9)
                {
                    Step((s, c) => CaseDecider.Decide(s, new Acknowledge(null), c), worker, random.Next(1, 240));
                    if (random.NextDouble() < 0.3)
                    {
                        Step((s, c) => CaseDecider.Decide(s, new Escalate("Needs the grid."), c), worker, random.Next(1, 60));
                        Step((s, c) => CaseDecider.Decide(s, new Acknowledge(null), c), worker, random.Next(1, 60));
                        var department = departments[random.Next(departments.Length)];
                        Step((s, c) => CaseDecider.Decide(s, new DispatchToDepartment(Guid.NewGuid(), department, null), c), worker, random.Next(1, 60));
                        var dispatch = state!.Dispatches[^1].DispatchId;
                        if (random.NextDouble() < 0.15)
                        {
                            Step((s, c) => CaseDecider.Decide(s, new ReturnDispatch(dispatch, "Not ours."), c), new Actor(department, "department", DepartmentId: department), random.Next(1, 120));
                        }
                        else
                        {
                            Step((s, c) => CaseDecider.Decide(s, new AcceptDispatch(dispatch), c), new Actor(department, "department", DepartmentId: department), random.Next(1, 180));
                        }
                    }

                    if (random.NextDouble() < 0.8 && state!.Status is CaseStatus.Acknowledged or CaseStatus.Dispatched)
                    {
                        Step((s, c) => CaseDecider.Decide(s, new Resolve("Done."), c), worker, random.Next(30, 6000));
                        var satisfied = random.NextDouble() < 0.75;
                        Step((s, c) => CaseDecider.Decide(s, new GiveFeedback(satisfied, satisfied ? 5 : 2, null), c), new Actor("agent", "agent"), random.Next(10, 2000));
                    }
                }
                else if (random.NextDouble() < 0.5)
                {
                    Step((s, c) => CaseDecider.Decide(s, new Withdraw("Settled."), c), new Actor("agent", "agent"), random.Next(5, 300));
                }

                session.Events.StartStream<Case>(id, events);
                ids.Add(id);
            }

            await session.SaveChangesAsync();
        }

        return ids;
    }

    private static async Task AppendOneMoreCaseAsync(IDocumentStore store, GridTree tree)
    {
        var id = Guid.CreateVersion7();
        var decision = CaseDecider.Decide(
            new RaiseAppeal(id, "GEN-LAST", Channel.Online, "service", Urgency.Normal, "After the poison", "One more.", "sc.xl.xl.yf.04", new Resident("测试", "13000000000", null)),
            new DecisionContext(new Actor("agent", "agent"), Start.AddDays(2), tree, new SlaPolicy(WorkingCalendar.China2026), CategoryLimits.Default));
        await using var session = store.LightweightSession();
        session.Events.StartStream<Case>(id, decision.Events);
        await session.SaveChangesAsync();
    }
}
