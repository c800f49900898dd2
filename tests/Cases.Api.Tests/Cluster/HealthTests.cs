using System.Net;
using Cases.Api.Tests.Support;
using Cases.LocalDatabase;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Cluster;

/// <summary>What a load balancer and a client see while the database is away, and while a node drains.</summary>
public sealed class HealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task While_the_database_is_down_every_answer_is_503_with_retry_after_and_the_node_recovers_by_itself()
    {
        // A private server: this test stops it, which the shared one must never be.
        await using var postgres = await EmbeddedPostgres.StartAsync(null, message => Console.WriteLine($"[outage] {message}"));
        await using var host = await StartAsync(postgres.ConnectionString("cases"));
        var api = new ApiClient(host.Server.CreateClient());
        var filed = await api.FileAppeal();
        (await api.Get($"/api/cases/{filed.CaseId}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/health/ready")).StatusCode);

        await postgres.StopAsync();

        var read = await api.Get($"/api/cases/{filed.CaseId}");
        read.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(read.Headers.RetryAfter);
        var write = await api.Post("/api/appeals", ApiClient.Appeal, idempotencyKey: Guid.NewGuid().ToString());
        write.ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(write.Headers.RetryAfter);
        var ready = await api.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/health/live")).StatusCode);

        await postgres.StartAgainAsync();

        await Eventually(async () => (await api.Http.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, Patience, "readiness after the restart");
        (await api.Get($"/api/cases/{filed.CaseId}")).ShouldBe(HttpStatusCode.OK);
        var key = Guid.NewGuid().ToString();
        var after = await Eventually(() => api.Post("/api/appeals", ApiClient.Appeal, idempotencyKey: key),
            a => a.Status != HttpStatusCode.ServiceUnavailable, Patience, "a write after the restart");
        after.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_draining_node_turns_unready_but_still_serves_until_it_stops()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_drain");
        await using var host = await StartAsync(database, ("Cases:DrainDelay", "00:00:03"));
        var api = new ApiClient(host.Server.CreateClient());
        var filed = await api.FileAppeal();
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/health/ready")).StatusCode);

        var stopping = host.Services.GetRequiredService<IHost>().StopAsync();

        await Eventually(async () => (await api.Http.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable, Patience, "readiness to turn 503");
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/health/live")).StatusCode);
        (await api.Get($"/api/cases/{filed.CaseId}")).ShouldBe(HttpStatusCode.OK);
        Assert.False(stopping.IsCompleted);
        await stopping;
    }
}
