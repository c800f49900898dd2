using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Cases.Api.Audit.Chain;
using Cases.Api.Tests.Security;
using Cases.Api.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cases.Api.Tests.Audit;

/// <summary>A store of its own: these tests tamper with event rows, which would break every other test's history.</summary>
public sealed class ChainFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync("cases_chain");
        Host = await TestHosts.StartAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

/// <summary>
/// The tamper-evidence chain: every appended event is linked in its own transaction, and verify names the first sequence
/// where a row was edited, deleted or inserted by hand in PostgreSQL, and passes again once the row is restored.
/// </summary>
public sealed class EventChainTests(ChainFixture fixture) : IClassFixture<ChainFixture>
{
    private readonly ApiClient _api = new(fixture.Host.Server.CreateClient());

    [Fact]
    public async Task Verify_names_each_kind_of_tampering_and_passes_once_the_row_is_restored()
    {
        var victim = await HistoryAsync();
        var clean = await VerifyAsync();
        Assert.True(clean["ok"]!.GetValue<bool>(), clean.ToJsonString());
        Assert.Equal(await ScalarAsync<long>("select count(*) from cases.mt_events"), clean["eventsChecked"]!.GetValue<long>());
        Assert.Null(clean["firstBrokenSequence"]?.GetValue<long?>());

        // Edited: the data of one event changes in place.
        var original = await ScalarAsync<string>($"select data::text from cases.mt_events where seq_id = {victim}");
        await ExecuteAsync($"update cases.mt_events set data = jsonb_set(data, '{{reason}}', '\"tampered\"') where seq_id = {victim}");
        await AssertBrokenAsync(victim, "edited");
        await ExecuteAsync($"update cases.mt_events set data = '{original.Replace("'", "''", StringComparison.Ordinal)}'::jsonb where seq_id = {victim}");
        await AssertOkAsync();

        // Deleted: the row goes, and comes back exactly as it was (with the chain's trigger off, as a restore from backup would).
        await ExecuteAsync($"create table cases.kept_event as select * from cases.mt_events where seq_id = {victim}; delete from cases.mt_events where seq_id = {victim}");
        await AssertBrokenAsync(victim, "deleted");
        await WithoutChainAsync($"insert into cases.mt_events select * from cases.kept_event; drop table cases.kept_event");
        await AssertOkAsync();

        // Inserted: a row slipped in by someone who switched the trigger off.
        var forged = await ScalarAsync<long>("select max(seq_id) + 100 from cases.mt_events");
        await WithoutChainAsync($"""
            insert into cases.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            select {forged}, gen_random_uuid(), stream_id, version + 1000, data, type, timestamp, tenant_id, mt_dotnet_type, false
            from cases.mt_events where seq_id = {victim}
            """);
        await AssertBrokenAsync(forged, "inserted");
        await ExecuteAsync($"delete from cases.mt_events where seq_id = {forged}");
        await AssertOkAsync();
    }

    [Fact]
    public async Task The_head_is_the_last_link_and_archiving_a_stream_keeps_the_chain()
    {
        await HistoryAsync();
        var caseId = (await _api.FileAppeal(actor: Caller.Agent)).CaseId;
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            // Marten's own in-place update of an event row: is_archived is bookkeeping, outside the hash.
            session.Events.ArchiveStream(caseId);
            await session.SaveChangesAsync();
        }

        Assert.True(await ScalarAsync<bool>($"select bool_and(is_archived) from cases.mt_events where stream_id = '{caseId}'"));
        var report = await AssertOkAsync();
        var head = (await _api.Get("/api/audit/chain-head", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;
        var links = await ScalarAsync<long>("select count(*) from cases.cases_event_links");
        Assert.Equal(links, head["position"]!.GetValue<long>());
        Assert.Equal(await ScalarAsync<long>("select max(seq_id) from cases.mt_events"), head["sequence"]!.GetValue<long>());
        Assert.Equal(report["head"]!["hash"]!.GetValue<string>(), head["hash"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", head["hash"]!.GetValue<string>());

        // The anchor: the link at a recorded position stays what it was while the chain grows.
        await HistoryAsync();
        var then = (await _api.Get($"/api/audit/chain-head?position={links}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(head.ToJsonString(), then.ToJsonString());
        (await _api.Get($"/api/audit/chain-head?position={links + 1000}", Caller.Auditor)).ShouldBe(HttpStatusCode.NotFound);
        (await _api.Get("/api/audit/chain-head?position=0", Caller.Auditor)).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Applying_the_schema_again_keeps_the_chain()
    {
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var migration = await store.Storage.Database.CreateMigrationAsync();
        var pending = string.Join("\n", migration.Deltas.Where(d => d.Difference != Weasel.Core.SchemaPatchDifference.None).Select(d => $"{d.SchemaObject.Identifier}: {d.Difference}"));
        Assert.DoesNotContain(EventChainSchema.ChainTable, pending, StringComparison.Ordinal);
        Assert.DoesNotContain(EventChainSchema.LinkFunction, pending, StringComparison.Ordinal);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        Assert.True(await ScalarAsync<bool>("select exists (select 1 from pg_trigger where tgname = 'cases_event_chain' and tgenabled = 'O')"), pending);
        await HistoryAsync();
        await AssertOkAsync();
    }

    [Fact]
    public async Task Concurrent_appends_form_one_chain()
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _api.FileAppeal(actor: Caller.Agent)));
        await AssertOkAsync();
        Assert.Equal(await ScalarAsync<long>("select count(*) from cases.mt_events"), await ScalarAsync<long>("select max(position) from cases.cases_event_links"));
    }

    /// <summary>A case taken through several hands; returns the sequence of one of its middle events.</summary>
    private async Task<long> HistoryAsync()
    {
        var caseId = (await _api.FileAppeal(actor: Caller.Agent)).CaseId;
        (await _api.Command(caseId, "acknowledge", new { }, Arrange.MicroWorker)).ShouldBe(HttpStatusCode.OK);
        (await _api.Command(caseId, "escalate", new { reason = "Needs the grid." }, Arrange.MicroWorker)).ShouldBe(HttpStatusCode.OK);
        (await _api.Command(caseId, "acknowledge", new { }, Arrange.GridHead)).ShouldBe(HttpStatusCode.OK);
        return await ScalarAsync<long>($"select seq_id from cases.mt_events where stream_id = '{caseId}' and type = 'case_escalated'");
    }

    private async Task<JsonNode> VerifyAsync() => (await _api.Get("/api/audit/verify", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;

    private async Task<JsonNode> AssertOkAsync()
    {
        var report = await VerifyAsync();
        Assert.True(report["ok"]!.GetValue<bool>(), report.ToJsonString());
        return report;
    }

    private async Task AssertBrokenAsync(long sequence, string kind)
    {
        var report = await VerifyAsync();
        Assert.False(report["ok"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Equal(sequence, report["firstBrokenSequence"]!.GetValue<long>());
        Assert.Equal(kind, report["breakKind"]!.GetValue<string>());
        Assert.Equal(1, report["breakCount"]!.GetValue<long>());
    }

    private Task WithoutChainAsync(string sql) => ExecuteAsync($"""
        begin;
        alter table cases.mt_events disable trigger cases_event_chain;
        {sql};
        alter table cases.mt_events enable trigger cases_event_chain;
        commit;
        """);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
