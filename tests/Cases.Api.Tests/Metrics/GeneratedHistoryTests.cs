using Alba;
using Cases.Api.Demo;
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
        var streams = await HistoryGenerator.AppendAsync(store, reference.Tree, CaseCount, Start, TimeSpan.FromDays(28));

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
            Assert.Equal(CaseCount, (await session.Query<MetricsBucket>().Where(b => b.Scope == "node:sc" && b.Grain == MetricsBucket.DayGrain).ToListAsync()).Sum(b => b.Counts.Raised));

            // The backlog's facts restate the domain's overdue rule; the inline case records hold the domain's answer.
            var records = (await session.Query<global::Cases.Projections.Cases.CaseRecord>().ToListAsync()).ToDictionary(r => r.Id);
            var facts = await session.Query<CaseFacts>().ToListAsync();
            Assert.Equal(CaseCount, facts.Count);
            Assert.Contains(facts, f => f.Active && f.OverdueFrom is not null);
            Assert.Contains(facts, f => !f.Active);
            Assert.All(facts, f => Assert.Equal((records[f.Id].Active, records[f.Id].OverdueFrom), (f.Active, f.OverdueFrom)));
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
            Assert.Equal(CaseCount + 1, (await session.Query<MetricsBucket>().Where(b => b.Scope == "node:sc" && b.Grain == MetricsBucket.DayGrain).ToListAsync()).Sum(b => b.Counts.Raised));
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

    private static async Task AppendOneMoreCaseAsync(IDocumentStore store, GridTree tree)
    {
        var id = Guid.CreateVersion7();
        var decision = CaseDecider.Decide(
            new RaiseAppeal(id, "GEN-LAST", Channel.Online, "service", Urgency.Normal, "After the poison", "One more.", "sc.xl.xl.yf.04", new Resident("测试", "13000000000", null)),
            new DecisionContext(new Actor("agent", "agent"), Start.AddDays(2), tree, new SlaPolicy(WorkingCalendar.China2026), CategoryLimits.Default));
        await using var session = store.LightweightSession();
        session.Events.StartStream<global::Cases.Projections.Cases.CaseRecord>(id, decision.Events);
        await session.SaveChangesAsync();
    }
}
