using System.Net;
using Cases.Api.Metrics;
using Cases.Api.Tests.Security;
using Cases.Api.Tests.Support;
using Cases.Projections;
using Cases.Projections.Metrics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cases.Api.Tests.Audit;

/// <summary>
/// Replay verification of every read model: the case records, the dispatch feed and the metrics, rebuilt from the events
/// into a scratch copy, equal the live ones; a live document changed behind the projections' back is named.
/// </summary>
public sealed class ReplayVerificationTests(ChainFixture fixture) : IClassFixture<ChainFixture>
{
    private readonly ApiClient _api = new(fixture.Host.Server.CreateClient());

    private IDocumentStore Store => fixture.Host.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task Every_read_model_equals_its_replay_until_a_live_document_is_changed_by_hand()
    {
        var arrange = new Arrange(_api);
        var resolved = await arrange.Resolved();
        var dispatched = await arrange.Dispatched();
        (await _api.Command(resolved.CaseId, "feedback", new { satisfied = true, score = 5 }, Caller.Agent)).ShouldBe(HttpStatusCode.OK);
        var (metrics, feed) = await CaughtUpAsync();

        Assert.Empty(await MetricsShadow.CompareAsync(Store, metrics));
        Assert.Empty(await ReadModelShadow.CompareAsync(Store, feed));

        await ExecuteAsync($"update cases.mt_doc_caserecord set data = jsonb_set(data, '{{title}}', '\"forged\"') where id = '{resolved.CaseId}'");
        await ExecuteAsync($"update cases.mt_doc_dispatchfeeditem set data = jsonb_set(data, '{{departmentId}}', '\"water\"') where id = '{dispatched.DispatchId}'");
        var differences = await ReadModelShadow.CompareAsync(Store, feed);
        Assert.Equal(2, differences.Count);
        var record = Assert.Single(differences, d => d.Document == ReadModelShadow.CaseRecords);
        Assert.Equal(resolved.CaseId.ToString(), record.Id);
        Assert.Contains("forged", record.Live, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", record.Shadow, StringComparison.Ordinal);
        var item = Assert.Single(differences, d => d.Document == ReadModelShadow.DispatchFeed);
        Assert.Equal(dispatched.DispatchId.ToString(), item.Id);

        // A read model rebuilt from the events is right again.
        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<global::Cases.Projections.Cases.CaseRecordProjection>(CancellationToken.None);
        await daemon.RebuildProjectionAsync(global::Cases.Projections.Feed.DispatchFeedProjection.Name, CancellationToken.None);
        Assert.Empty(await ReadModelShadow.CompareAsync(Store, feed));
    }

    private async Task<(long Metrics, long Feed)> CaughtUpAsync()
    {
        var status = fixture.Host.Services.GetRequiredService<ProjectionStatus>();
        var progress = await TestHosts.Eventually(() => status.ReadAsync(CancellationToken.None),
            all => all.All(p => p.LagEvents == 0), TimeSpan.FromSeconds(30), "the async projections to catch up");
        return (progress.Single(p => p.Name == MetricsProjection.Name).LastSequence,
            progress.Single(p => p.Name == global::Cases.Projections.Feed.DispatchFeedProjection.Name).LastSequence);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
