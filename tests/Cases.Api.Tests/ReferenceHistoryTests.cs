using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests;

/// <summary>Two API hosts on one database, as two nodes behind a load balancer would be.</summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    public IAlbaHost A { get; private set; } = null!;

    public IAlbaHost B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_nodes");
        A = await TestHosts.StartAsync(database);
        B = await TestHosts.StartAsync(database);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { B, A })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TwoNodesCollection : ICollectionFixture<TwoNodesFixture>
{
    public const string Name = "two nodes";
}

[Collection(TwoNodesCollection.Name)]
public sealed class ReferenceHistoryTests(TwoNodesFixture nodes)
{
    private static readonly Caller ChenAdmin = new("admin-chen", "admin");
    private static readonly Caller LinAdmin = new("admin-lin", "admin");

    private readonly ApiClient _a = new(nodes.A.Server.CreateClient());
    private readonly ApiClient _b = new(nodes.B.Server.CreateClient());

    private static object Limits(string acknowledge)
    {
        var normal = new { acknowledge, acceptDispatch = "PT1H", resolve = "PT8H", feedbackWindow = "P1D" };
        return new { normal, urgent = normal, resolveInWorkingDays = false };
    }

    private static Task<Answer> Put(ApiClient api, string path, object body, Caller actor) =>
        api.Send(HttpMethod.Put, path, JsonSerializer.Serialize(body), actor);

    private static async Task<string> AcknowledgeLimit(ApiClient api, string category) =>
        (await api.Get("/api/categories")).ShouldBe(HttpStatusCode.OK).Body!.AsArray()
            .First(c => c!["code"]!.GetValue<string>() == category)!["limits"]!["normal"]!["acknowledge"]!.GetValue<string>();

    private static async Task<JsonArray> ChangesAfter(ApiClient api, string after, int limit = 1000) =>
        (await api.Get($"/api/reference/changes?after={after}&limit={limit}")).ShouldBe(HttpStatusCode.OK).Body!["items"]!.AsArray();

    private static async Task<string> LatestVersion(ApiClient api)
    {
        var next = "0";
        while (true)
        {
            var page = (await api.Get($"/api/reference/changes?after={next}&limit=1000")).ShouldBe(HttpStatusCode.OK).Body!;
            if (page["items"]!.AsArray().Count == 0)
            {
                return next;
            }

            next = page["next"]!.GetValue<string>();
        }
    }

    [Fact]
    public async Task A_limit_changed_on_one_node_is_used_by_the_other_within_a_second()
    {
        Assert.Equal("PT2H", await AcknowledgeLimit(_b, "dispute"));

        (await Put(_a, "/api/categories/dispute/limits", Limits("PT7M"), ChenAdmin)).ShouldBe(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();
        await TestHosts.Eventually(() => AcknowledgeLimit(_b, "dispute"), limit => limit == "PT7M", TimeSpan.FromSeconds(1),
            "node B to serve the limit node A took");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"node B took {watch.Elapsed.TotalMilliseconds:0} ms");

        var filed = await _b.FileAppeal();
        var view = await _b.Case(filed.CaseId);
        var raised = view.Body!["raisedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(raised.AddMinutes(7), view.Body["acknowledgeBy"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Routing_rules_changed_on_one_node_route_appeals_on_the_other()
    {
        var rules = new
        {
            startRules = new[] { new { category = "service", urgency = "normal", startAt = "community" } },
            suggestedDepartments = new Dictionary<string, string> { ["service"] = "civil" },
        };
        (await Put(_b, "/api/routing-rules", rules, LinAdmin)).ShouldBe(HttpStatusCode.OK);
        var served = await TestHosts.Eventually(async () => (await _a.Get("/api/routing-rules")).Body!["startRules"]!.AsArray(),
            startRules => startRules.Count == 1 && startRules[0]!["category"]!.GetValue<string>() == "service",
            TimeSpan.FromSeconds(1), "node A to serve the rules node B took");
        Assert.Equal("community", served[0]!["startAt"]!.GetValue<string>());

        var filed = await _a.FileAppeal(new
        {
            channel = "online",
            category = "service",
            urgency = "normal",
            title = "Street light out",
            description = "Dark since Monday.",
            microGridId = SuchengDemoData.Known.YafangBuilding4,
            resident = new { name = "周", phone = "13700000000" },
        });
        Assert.Equal("community", (await _a.Case(filed.CaseId)).Text("currentLevel"));
    }

    [Fact]
    public async Task The_history_lists_who_changed_what_and_when_in_order()
    {
        var start = await LatestVersion(_a);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        (await Put(_a, "/api/categories/hazard/limits", Limits("PT11M"), ChenAdmin)).ShouldBe(HttpStatusCode.OK);
        var rules = new { startRules = Array.Empty<object>(), suggestedDepartments = new Dictionary<string, string> { ["hazard"] = "water" } };
        (await Put(_b, "/api/routing-rules", rules, LinAdmin)).ShouldBe(HttpStatusCode.OK);
        (await Put(_a, "/api/categories/hazard/limits", Limits("PT12M"), LinAdmin)).ShouldBe(HttpStatusCode.OK);
        var after = DateTimeOffset.UtcNow.AddSeconds(5);

        var changes = await ChangesAfter(_b, start);
        Assert.Equal(3, changes.Count);
        var first = long.Parse(start, System.Globalization.CultureInfo.InvariantCulture) + 1;
        Assert.Equal([first, first + 1, first + 2], changes.Select(c => c!["version"]!.GetValue<long>()));
        Assert.Equal(["admin-chen", "admin-lin", "admin-lin"], changes.Select(c => c!["by"]!["id"]!.GetValue<string>()));
        Assert.Equal(["categories/hazard", "routing-rules", "categories/hazard"], changes.Select(c => c!["subject"]!.GetValue<string>()));
        var times = changes.Select(c => c!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.All(times, t => Assert.InRange(t, before, after));
        Assert.Equal(times.Order(), times);

        Assert.Equal("PT30M", changes[0]!["before"]!["urgent"]!["acknowledge"]!.GetValue<string>());
        Assert.Equal("PT11M", changes[0]!["after"]!["normal"]!["acknowledge"]!.GetValue<string>());
        Assert.Equal("water", changes[1]!["after"]!["suggestedDepartments"]!["hazard"]!.GetValue<string>());
        Assert.Equal("PT11M", changes[2]!["before"]!["normal"]!["acknowledge"]!.GetValue<string>());
        Assert.Equal("PT12M", changes[2]!["after"]!["normal"]!["acknowledge"]!.GetValue<string>());

        var page = (await _a.Get($"/api/reference/changes?after={start}&limit=2")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(2, page["items"]!.AsArray().Count);
        var rest = await ChangesAfter(_a, page["next"]!.GetValue<string>());
        Assert.Equal(first + 2, Assert.Single(rest)!["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Concurrent_changes_on_both_nodes_queue_up_and_each_sees_the_one_before()
    {
        (await Put(_a, "/api/categories/information/limits", Limits("PT20M"), ChenAdmin)).ShouldBe(HttpStatusCode.OK);
        var start = await LatestVersion(_a);

        var puts = Enumerable.Range(21, 6).Select(minutes => Put(minutes % 2 == 0 ? _a : _b, "/api/categories/information/limits",
            Limits($"PT{minutes}M"), minutes % 2 == 0 ? ChenAdmin : LinAdmin));
        foreach (var answer in await Task.WhenAll(puts))
        {
            answer.ShouldBe(HttpStatusCode.OK);
        }

        var changes = await ChangesAfter(_a, start);
        Assert.Equal(6, changes.Count);
        var chain = changes.Select(c => (Before: c!["before"]!["normal"]!["acknowledge"]!.GetValue<string>(), After: c["after"]!["normal"]!["acknowledge"]!.GetValue<string>())).ToList();
        Assert.Equal("PT20M", chain[0].Before);
        Assert.All(chain.Zip(chain.Skip(1)), pair => Assert.Equal(pair.First.After, pair.Second.Before));
        Assert.Equal(Enumerable.Range(21, 6).Select(m => $"PT{m}M").Order(), chain.Select(c => c.After).Order());
        foreach (var node in new[] { _a, _b })
        {
            await TestHosts.Eventually(() => AcknowledgeLimit(node, "information"), limit => limit == chain[^1].After, TimeSpan.FromSeconds(1),
                "both nodes to serve the last change");
        }
    }
}
