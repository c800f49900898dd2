using Alba;
using Cases.Api.Demo;
using Cases.Api.Reference;
using Cases.Api.Tests.Support;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Sla;
using Cases.Projections;
using Cases.Projections.Feed;
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
        await using var host = await HostWithoutDaemonAsync(database);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var reference = await host.Services.GetRequiredService<ReferenceData>().GetAsync();
        var streams = await HistoryGenerator.AppendAsync(store, reference.Tree, CaseCount, Start, TimeSpan.FromDays(28));

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(3));
        var applied = await HighWaterMarkAsync(store);

        Assert.Empty(await MetricsShadow.CompareAsync(store, applied));
        await AssertTotalsFromStoredJsonEqualTheDocumentsAsync(store, host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>());
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
        await daemon.RebuildProjectionAsync(DispatchFeedProjection.Name, CancellationToken.None);
        Assert.Empty(await MetricsShadow.CompareAsync(store, await HighWaterMarkAsync(store)));
        await daemon.StopAllAsync();

        // The one-pass rebuild (projections rebuild) writes row for row what the daemon's page-by-page rebuild wrote,
        // duplicated columns and progress included, over a read model damaged in between.
        var daemonRows = await ReadModelRowsAsync(database);
        Assert.Contains(daemonRows, row => row.StartsWith("mt_doc_dispatchfeeditem ", StringComparison.Ordinal));
        Assert.Contains(daemonRows, row => row.StartsWith("mt_doc_projectiondeadletter ", StringComparison.Ordinal));
        await DamageAsync(database);
        Assert.NotEqual(daemonRows, await ReadModelRowsAsync(database));
        var rebuilt = await ReadModelRebuild.RunAsync(store);
        Assert.Equal(CaseCount + 1, rebuilt.Cases);
        Assert.Equal(1, rebuilt.DeadLetters);
        Assert.Equal(daemonRows, await ReadModelRowsAsync(database));
        Assert.Empty(await MetricsShadow.CompareAsync(store, await HighWaterMarkAsync(store)));
        Assert.Empty(await ReadModelShadow.CompareAsync(store, await HighWaterMarkAsync(store)));

        // The summary's bucket read, planned as a prepared statement is (a generic plan), finds its rows through the one
        // composite index and reads none it throws away: its cost follows the rows it returns, not the store's size.
        var (index, discarded) = await GenericPlanOfTheSummaryReadAsync(database);
        Assert.Equal("mt_doc_metricsbucket_idx_" + string.Join("_", MetricsBucketSchemaAttribute.LookupMembers).ToLowerInvariant(), index);
        Assert.Equal(0, discarded);
    }

    /// <summary>
    /// The live projection keeps the rollups it wrote between pages (<see cref="HeldRollups"/>). A rollup another writer
    /// rewrote since (a new version) must be read again, and one changed behind its back without a new version shows
    /// that the held copy is what the next page added to.
    /// </summary>
    [Fact]
    public async Task The_daemon_adds_to_the_stored_rollup_when_another_writer_changed_it()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_held_rollups");
        await using var host = await HostWithoutDaemonAsync(database);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var tree = (await host.Services.GetRequiredService<ReferenceData>().GetAsync()).Tree;
        await HistoryGenerator.AppendAsync(store, tree, 200, Start, TimeSpan.FromDays(1));
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(1));

        // The last case's district rollup for its day (AppendOneMoreCaseAsync raises a service appeal two days on).
        var id = MetricsBucket.IdFor("node:sc", CaseFacts.DayOf(Start.AddDays(2)), "service");
        await AppendOneMoreCaseAsync(store, tree, "GEN-HELD-1");
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await RaisedAsync(store, id));

        // Another writer: a new version with the change. The next page reads it and adds to it.
        await ChangeRaisedAsync(database, id, 1_000, newVersion: true);
        await AppendOneMoreCaseAsync(store, tree, "GEN-HELD-2");
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(1));
        Assert.Equal(1_002, await RaisedAsync(store, id));

        // The same change without a new version is not seen: the page added to the copy it held (1,002 + 1).
        await ChangeRaisedAsync(database, id, 1_000, newVersion: false);
        await AppendOneMoreCaseAsync(store, tree, "GEN-HELD-3");
        await daemon.WaitForNonStaleData(TimeSpan.FromMinutes(1));
        Assert.Equal(1_003, await RaisedAsync(store, id));
        await daemon.StopAllAsync();
    }

    private static async Task<long> RaisedAsync(IDocumentStore store, string id)
    {
        await using var session = store.QuerySession();
        return (await session.LoadAsync<MetricsBucket>(id))!.Counts.Raised;
    }

    private static async Task ChangeRaisedAsync(string database, string id, long by, bool newVersion)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"update cases.{MetricsBucketSchemaAttribute.Table} set data = jsonb_set(data, '{{counts,raised}}', to_jsonb((data -> 'counts' ->> 'raised')::bigint + @by))" +
            (newVersion ? ", mt_version = gen_random_uuid()" : "") + " where id = @id",
            connection);
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// The queries add rollups up from their stored JSON and keep what they read (<see cref="MetricsBucketReader"/>); that
    /// must give what adding up the deserialized documents gives, for every scope, grain and day, counts and maps alike,
    /// read afresh and from what the reader holds; and a rollup written since must be read again.
    /// </summary>
    private static async Task AssertTotalsFromStoredJsonEqualTheDocumentsAsync(IDocumentStore store, Npgsql.NpgsqlDataSource dataSource)
    {
        var reader = new MetricsBucketReader(dataSource, "cases", capacity: 1_000_000);
        List<MetricsBucket> documents;
        await using (var session = store.QuerySession())
        {
            documents = [.. await session.Query<MetricsBucket>().ToListAsync()];
        }

        foreach (var grain in new[] { MetricsBucket.DayGrain, MetricsBucket.MonthGrain, MetricsBucket.DayGrain })
        {
            var (readsBefore, cachedBefore) = reader.Counts;
            var expected = TotalsOf(documents, grain);
            var actual = await ReadTotalsAsync(reader, documents, grain);
            Assert.True(expected.Count > 100, $"{expected.Count} {grain} totals");
            AssertSameTotals(expected, actual);
            Assert.Contains(expected.Values, t => t.Resolve.Count > 10 && t.Due.Count > 1);

            // The second read of the day grain comes wholly from what the reader holds.
            var (reads, cached) = reader.Counts;
            Assert.Equal(documents.Count(b => b.Grain == grain && (grain == MetricsBucket.DayGrain || b.Category == MetricsBucket.AllCategories)), reads - readsBefore);
            Assert.Equal(readsBefore > 0 && grain == MetricsBucket.DayGrain ? reads - readsBefore : 0, cached - cachedBefore);
        }

        // A rollup rewritten since (a new version) is read again: the totals follow the store, not the reader.
        var month = documents.First(b => b.Scope == "node:sc" && b.Grain == MetricsBucket.MonthGrain && b.Category == MetricsBucket.AllCategories);
        var original = month.Counts.Raised;
        await using (var session = store.LightweightSession())
        {
            month.Counts.Raised = original + 1_000;
            session.Store(month);
            await session.SaveChangesAsync();
        }

        AssertSameTotals(TotalsOf(documents, MetricsBucket.MonthGrain), await ReadTotalsAsync(reader, documents, MetricsBucket.MonthGrain));
        await using (var session = store.LightweightSession())
        {
            month.Counts.Raised = original;
            session.Store(month);
            await session.SaveChangesAsync();
        }

        AssertSameTotals(TotalsOf(documents, MetricsBucket.MonthGrain), await ReadTotalsAsync(reader, documents, MetricsBucket.MonthGrain));
    }

    private static Dictionary<(string, DateOnly), MetricsTotals> TotalsOf(List<MetricsBucket> documents, string grain)
    {
        var totals = new Dictionary<(string, DateOnly), MetricsTotals>();
        foreach (var bucket in documents.Where(b => b.Grain == grain && (grain == MetricsBucket.DayGrain || b.Category == MetricsBucket.AllCategories)))
        {
            (totals.TryGetValue((bucket.Scope, bucket.Day), out var total) ? total : totals[(bucket.Scope, bucket.Day)] = new MetricsTotals()).Add(bucket);
        }

        return totals;
    }

    private static async Task<Dictionary<(string, DateOnly), MetricsTotals>> ReadTotalsAsync(MetricsBucketReader reader, List<MetricsBucket> documents, string grain)
    {
        var totals = new Dictionary<(string, DateOnly), MetricsTotals>();
        await reader.AddUpAsync(
            documents.Select(b => b.Scope).Distinct().ToArray(), grain, grain == MetricsBucket.MonthGrain ? MetricsBucket.AllCategories : null, DateOnly.MinValue, DateOnly.MaxValue,
            (scope, day) => totals.TryGetValue((scope, day), out var total) ? total : totals[(scope, day)] = new MetricsTotals(), CancellationToken.None);
        return totals;
    }

    private static void AssertSameTotals(Dictionary<(string, DateOnly), MetricsTotals> expected, Dictionary<(string, DateOnly), MetricsTotals> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, totals) in expected)
        {
            var read = actual[key];
            Assert.Equal(totals.Rollups, read.Rollups);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(totals.Counts), System.Text.Json.JsonSerializer.Serialize(read.Counts));
            foreach (var (mine, theirs) in new[] { (totals.Acknowledge, read.Acknowledge), (totals.Accept, read.Accept), (totals.Resolve, read.Resolve), (totals.Close, read.Close), (totals.Due, read.Due) })
            {
                Assert.Equal(mine.OrderBy(p => p.Key), theirs.OrderBy(p => p.Key));
            }
        }
    }

    /// <summary>Every row of the async read models and their progress, as text, without the columns a write stamps afresh.</summary>
    private static async Task<List<string>> ReadModelRowsAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        var rows = new List<string>();
        foreach (var table in new[] { "mt_doc_casefacts", "mt_doc_metricsbucket", "mt_doc_projectiondeadletter", "mt_doc_dispatchfeeditem" })
        {
            // The dead letter records when it was written; the rest of it must match.
            await using var command = new Npgsql.NpgsqlCommand(
                $"select to_jsonb(t) - 'mt_last_modified' - 'mt_version' #- '{{data,recordedAt}}' from cases.{table} t order by id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add($"{table} {reader.GetString(0)}");
            }
        }

        await using (var progress = new Npgsql.NpgsqlCommand(
            "select name || ' ' || last_seq_id from cases.mt_event_progression where name in ('metrics:All', 'dispatch-feed:All') order by name", connection))
        await using (var reader = await progress.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        return rows;
    }

    private static async Task DamageAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var damage = new Npgsql.NpgsqlCommand(
            """
            delete from cases.mt_doc_metricsbucket where id in (select id from cases.mt_doc_metricsbucket order by id limit 50);
            update cases.mt_doc_casefacts set data = jsonb_set(data, '{escalations}', '99') where id in (select id from cases.mt_doc_casefacts order by id limit 5);
            delete from cases.mt_doc_dispatchfeeditem where id in (select id from cases.mt_doc_dispatchfeeditem order by id limit 5);
            update cases.mt_event_progression set last_seq_id = 1 where name = 'metrics:All';
            """, connection);
        await damage.ExecuteNonQueryAsync();
    }

    private static async Task<(string? Index, long Discarded)> GenericPlanOfTheSummaryReadAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var generic = new Npgsql.NpgsqlCommand("set plan_cache_mode = force_generic_plan", connection))
        {
            await generic.ExecuteNonQueryAsync();
        }

        await using var explain = MetricsBucketReader.Command("cases", ["node:sc"], MetricsBucket.MonthGrain, MetricsBucket.AllCategories, DateOnly.MinValue, DateOnly.MaxValue, []);
        explain.CommandText = "explain (analyze, format json) " + explain.CommandText;
        explain.Connection = connection;

        using var plan = System.Text.Json.JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        string? index = null;
        long discarded = 0;
        void Walk(System.Text.Json.JsonElement node)
        {
            index ??= node.TryGetProperty("Index Name", out var name) ? name.GetString() : null;
            foreach (var removed in new[] { "Rows Removed by Filter", "Rows Removed by Index Recheck" })
            {
                discarded += node.TryGetProperty(removed, out var rows) ? rows.GetInt64() : 0;
            }

            foreach (var child in node.TryGetProperty("Plans", out var children) ? children.EnumerateArray() : default)
            {
                Walk(child);
            }
        }

        Walk(plan.RootElement[0].GetProperty("Plan"));
        return (index, discarded);
    }

    [Fact]
    public async Task Generating_twice_on_one_store_numbers_the_second_run_after_the_first()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_generated_twice");
        await using var host = await HostWithoutDaemonAsync(database);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var tree = (await host.Services.GetRequiredService<ReferenceData>().GetAsync()).Tree;

        await HistoryGenerator.AppendAsync(store, tree, 30, Start, TimeSpan.FromDays(2));
        await HistoryGenerator.AppendAsync(store, tree, 30, Start, TimeSpan.FromDays(2));

        await using var session = store.QuerySession();
        var numbers = await session.Query<global::Cases.Projections.Cases.CaseRecord>().Select(r => r.CaseNumber).ToListAsync();
        Assert.Equal(60, numbers.Count(n => n.StartsWith("GEN-", StringComparison.Ordinal)));
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Contains("GEN-0000059", numbers);
    }

    /// <summary>The API host on <paramref name="database"/> with the demo grid, and no clocks or daemon: each test drives its own.</summary>
    private static Task<IAlbaHost> HostWithoutDaemonAsync(string database) =>
        AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", database)
            .UseSetting("Cases:Demo", "true")
            .UseSetting("Cases:Clocks", "false")
            .UseSetting("Cases:AsyncDaemon", "false"));

    private static readonly DateTimeOffset Start = new(2027, 4, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private static async Task<long> HighWaterMarkAsync(IDocumentStore store)
    {
        var statistics = await store.Advanced.FetchEventStoreStatistics();
        return statistics.EventSequenceNumber;
    }

    private static async Task AppendOneMoreCaseAsync(IDocumentStore store, GridTree tree, string caseNumber = "GEN-LAST")
    {
        var id = Guid.CreateVersion7();
        var decision = CaseDecider.Decide(
            new RaiseAppeal(id, caseNumber, Channel.Online, "service", Urgency.Normal, "After the poison", "One more.", "sc.xl.xl.yf.04", new Resident("测试", "13000000000", null)),
            new DecisionContext(new Actor("agent", "agent"), Start.AddDays(2), tree, new SlaPolicy(WorkingCalendar.China2026), CategoryLimits.Default));
        await using var session = store.LightweightSession();
        session.Events.StartStream<global::Cases.Projections.Cases.CaseRecord>(id, decision.Events);
        await session.SaveChangesAsync();
    }
}
