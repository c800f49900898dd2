using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alba;
using Cases.Api.Tests.Support;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Cases.Api.Tests.Security;

/// <summary>A host of its own: the fuzz may change reference data with a request that happens to be valid.</summary>
public sealed class FuzzFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHosts.StartAsync(await TestDatabase.CreateDatabaseAsync("cases_fuzz"));

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

/// <summary>
/// Thousands of malformed and hostile requests, generated from the served OpenAPI document with a fixed seed,
/// so that a failure replays exactly. None may get a 5xx or leak internals, and only valid requests change the store.
/// </summary>
public sealed partial class FuzzTests(FuzzFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzFixture>
{
    private const int Seed = 20261126;
    private const int Requests = 10_000;

    // What must never reach a client: .NET type and namespace names, stack frames, SQL, file paths.
    [GeneratedRegex(@"System\.[A-Z]|Cases\.(Api|Domain|Projections)\.|Microsoft\.|Npgsql|Marten\.|Wolverine\.|JasperFx|Exception|\.cs:line|   at |mt_events|mt_doc_|mt_streams|syntax error at or near|/work/|/src/", RegexOptions.CultureInvariant)]
    private static partial Regex Leak();

    [Fact]
    public async Task Hostile_requests_get_4xx_never_5xx_and_change_nothing_they_should_not()
    {
        var api = new ApiClient(fixture.Host.Server.CreateClient());
        var http = api.Http;
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations in the OpenAPI document");

        var known = await api.FileAppeal();
        var tokens = new List<string?> { null, "not-a-token", "Bearer x.y.z" };
        foreach (var caller in new[] { Caller.Agent, Caller.DistrictCoordinator, Caller.Department("urban"), Caller.Auditor, Caller.Admin })
        {
            tokens.Add("Bearer " + await api.TokenFor(caller));
        }

        var before = await Snapshot();
        var baseline = await Latency(api, known.CaseId);
        var random = new Random(Seed);
        var statuses = new Dictionary<int, int>();
        var changedCases = new HashSet<Guid> { known.CaseId };
        var referenceChanged = false;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            var op = operations[random.Next(operations.Count)];
            using var request = Build(random, op, known.CaseId, tokens[random.Next(tokens.Count)]);
            var description = $"#{i} {request.Method} {request.RequestUri}";
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"{description} answered {status}: {text}");
            Assert.False(Leak().IsMatch(text), $"{description} leaked internals: {text}");
            if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
            else if (request.Method != HttpMethod.Get)
            {
                // A valid write: the case it made or touched may change, and so may reference data.
                referenceChanged |= request.Method == HttpMethod.Put;
                if (status == 201 && JsonNode.Parse(text)?["caseId"]?.GetValue<Guid>() is { } created)
                {
                    changedCases.Add(created);
                }

                if (request.RequestUri!.OriginalString.Split('/') is [_, "api", "cases", var id, ..] && Guid.TryParse(id, out var touched))
                {
                    changedCases.Add(touched);
                }
            }
        }

        output.WriteLine($"{Requests} requests in {stopwatch.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var streams = (await session.Events.QueryAllRawEvents().Where(e => e.Sequence > before.Sequence).ToListAsync()).Select(e => e.StreamId).Distinct();
            Assert.All(streams, s => Assert.True(changedCases.Contains(s), $"case {s} changed without a valid request"));
        }

        if (!referenceChanged)
        {
            Assert.Equal(before.Reference, (await Snapshot()).Reference);
        }

        // Still itself afterwards: it files and reads as before, about as fast.
        var after = await Latency(api, (await api.FileAppeal()).CaseId);
        output.WriteLine($"median read before {baseline.TotalMilliseconds:0.0} ms, after {after.TotalMilliseconds:0.0} ms");
        Assert.True(after < baseline * 5 + TimeSpan.FromMilliseconds(50), $"reads slowed from {baseline} to {after}");
    }

    private async Task<(long Sequence, string Reference)> Snapshot()
    {
        var api = new ApiClient(fixture.Host.Server.CreateClient());
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var sequence = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstOrDefaultAsync();
        var reference = (await api.Get("/api/categories", Caller.Auditor)).Body?.ToJsonString() + (await api.Get("/api/routing-rules", Caller.Auditor)).Body?.ToJsonString()
            + (await api.Get("/api/grid", Caller.Auditor)).Body?.ToJsonString();
        return (sequence, reference);
    }

    private static async Task<TimeSpan> Latency(ApiClient api, Guid caseId)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            (await api.Get($"/api/cases/{caseId}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);
            times.Add(watch.Elapsed);
        }

        return times.Order().ElementAt(times.Count / 2);
    }
}
