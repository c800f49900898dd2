using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Tests.Support;
using Cases.Projections.Metrics;
using static Cases.Api.Tests.Metrics.ScriptedHistoryFixture;

namespace Cases.Api.Tests.Metrics;

public sealed class MetricsTests(ScriptedHistoryFixture history) : IClassFixture<ScriptedHistoryFixture>
{
    private const string Week = "from=2027-03-01T00:00:00%2B08:00&to=2027-03-08T00:00:00%2B08:00";

    private async Task<JsonNode> Summary(string filter)
    {
        history.Clock.SetUtcNow(T0.AddMinutes(1500));
        return (await history.Api.Get($"/api/metrics/summary?{filter}&{Week}")).ShouldBe(HttpStatusCode.OK).Body!;
    }

    private static long Count(JsonNode summary, string name) => summary["figures"]![name]!.GetValue<long>();

    private static double? Rate(JsonNode summary, string name) => summary["figures"]!["rates"]![name]?.GetValue<double>();

    private static void AssertDuration(JsonNode summary, string name, double p50, double p90, double p99, double mean, long count)
    {
        var d = summary["figures"]!["durations"]![name]!;
        AssertWithinOnePercent(p50, d["p50"]!.GetValue<double>(), $"{name} p50");
        AssertWithinOnePercent(p90, d["p90"]!.GetValue<double>(), $"{name} p90");
        AssertWithinOnePercent(p99, d["p99"]!.GetValue<double>(), $"{name} p99");
        Assert.Equal(mean, d["mean"]!.GetValue<double>());
        Assert.Equal(count, d["count"]!.GetValue<long>());
    }

    private static void AssertWithinOnePercent(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= expected * 0.01, $"{what}: expected {expected} within 1%, got {actual}");

    [Theory]
    [InlineData("nodeId=" + M1)]
    [InlineData("nodeId=sc.xl")]
    public async Task The_micro_grid_and_its_street_count_the_same_five_cases(string filter)
    {
        var s = await Summary(filter);

        Assert.Equal(5, Count(s, "raised"));
        Assert.Equal(4, Count(s, "acknowledged"));
        Assert.Equal(3, Count(s, "acknowledgedOnTime"));
        Assert.Equal(2, Count(s, "escalated"));
        Assert.Equal(2, s["figures"]!["escalatedBy"]!["manual"]!.GetValue<long>());
        Assert.Equal(3, Count(s, "dispatched"));
        Assert.Equal(1, Count(s, "returned"));
        Assert.Equal(2, Count(s, "accepted"));
        Assert.Equal(4, Count(s, "resolved"));
        Assert.Equal(4, Count(s, "resolvedOnTime"));
        Assert.Equal(2, Count(s, "reopened"));
        Assert.Equal(2, Count(s, "closed"));
        Assert.Equal(0, Count(s, "withdrawn"));
        Assert.Equal(4, Count(s, "feedback"));
        Assert.Equal(2, Count(s, "satisfied"));
        Assert.Equal(1, Count(s, "extended"));
        Assert.Equal(2, Count(s, "settledInGrid"));

        Assert.Equal(0.6, Rate(s, "response"));
        Assert.Equal(1.0, Rate(s, "onTimeResolution"));
        Assert.Equal(0.8, Rate(s, "resolution"));
        Assert.Equal(0.5, Rate(s, "satisfaction"));
        Assert.Equal(0.5, Rate(s, "rework"));
        Assert.Equal(0.5, Rate(s, "settledInGrid"));
        Assert.Equal(0.25, Rate(s, "extension"));
        Assert.Equal(0.333333, Rate(s, "return"));
        Assert.Equal(0.5, Rate(s, "overdue"));

        // Acknowledge: A 600 s, B 1,800, C 10,800, F 300. Accept: 1,200 twice. Resolve: A 7,200, B 17,940,
        // C 17,880, F 85,200. Close: A 10,800, B 28,740.
        AssertDuration(s, "acknowledge", p50: 600, p90: 10800, p99: 10800, mean: 3375, count: 4);
        AssertDuration(s, "accept", p50: 1200, p90: 1200, p99: 1200, mean: 1200, count: 2);
        AssertDuration(s, "resolve", p50: 17880, p90: 85200, p99: 85200, mean: 32055, count: 4);
        AssertDuration(s, "close", p50: 10800, p90: 28740, p99: 28740, mean: 19770, count: 2);

        Assert.Equal(2, s["backlog"]!["open"]!.GetValue<long>());
        Assert.Equal(1, s["backlog"]!["overdue"]!.GetValue<long>());
        Assert.True(s["asOf"]!["sequence"]!.GetValue<long>() > 0);
    }

    [Theory]
    [InlineData("from=2027-03-01T00:00:00%2B08:00&to=2027-04-01T00:00:00%2B08:00")]
    [InlineData("from=2027-02-15T00:00:00%2B08:00&to=2027-04-10T00:00:00%2B08:00")]
    [InlineData("from=2027-02-01T00:00:00%2B08:00")]
    [InlineData("")]
    public async Task Whole_months_and_partial_months_add_up_to_the_same_figures(string range)
    {
        var week = await Summary($"nodeId={M1}");
        var other = (await history.Api.Get($"/api/metrics/summary?nodeId={M1}&{range}")).ShouldBe(HttpStatusCode.OK).Body!;

        Assert.Equal(week["figures"]!.ToJsonString(), other["figures"]!.ToJsonString());
    }

    [Fact]
    public async Task The_district_counts_every_case_beneath_it()
    {
        var s = await Summary("nodeId=sc");

        Assert.Equal(6, Count(s, "raised"));
        Assert.Equal(5, Count(s, "acknowledged"));
        Assert.Equal(4, Count(s, "acknowledgedOnTime"));
        Assert.Equal(1, Count(s, "withdrawn"));
        Assert.Equal(4, Count(s, "resolved"));
        Assert.Equal(0.666667, Rate(s, "response"));
        Assert.Equal(0.666667, Rate(s, "resolution"));
        AssertDuration(s, "acknowledge", p50: 900, p90: 10800, p99: 10800, mean: 2880, count: 5);
        Assert.Equal(2, s["backlog"]!["open"]!.GetValue<long>());

        var whole = (await history.Api.Get($"/api/metrics/summary?{Week}")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(6, Count(whole, "raised"));
    }

    [Fact]
    public async Task A_department_counts_the_cases_dispatched_to_it()
    {
        var s = await Summary("departmentId=urban");
        Assert.Equal(2, Count(s, "raised"));
        Assert.Equal(2, Count(s, "accepted"));
        Assert.Equal(0.5, Rate(s, "rework"));
    }

    [Fact]
    public async Task Every_count_traces_back_to_the_cases_that_make_it_up()
    {
        var s = await Summary("nodeId=sc.xl");
        var cases = (await history.Api.Get(s["cases"]!.GetValue<string>() + "&pageSize=200")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(Count(s, "raised"), cases["total"]!.GetValue<long>());
        Assert.Equal(
            new[] { "A", "B", "C", "E", "F" }.Select(n => history.Cases[n]).Order(),
            cases["items"]!.AsArray().Select(i => i!["caseId"]!.GetValue<Guid>()).Order());
    }

    [Fact]
    public async Task The_timeseries_and_the_ranking_read_the_same_rollups()
    {
        var series = (await history.Api.Get($"/api/metrics/timeseries?nodeId={M1}&bucket=day&{Week}")).ShouldBe(HttpStatusCode.OK).Body!;
        var point = Assert.Single(series["points"]!.AsArray())!;
        Assert.Equal(T0.AddHours(-9), point["bucketStart"]!.GetValue<DateTimeOffset>());
        Assert.Equal(5, point["figures"]!["raised"]!.GetValue<long>());

        var ranking = (await history.Api.Get($"/api/metrics/ranking?level=street&metric=response&{Week}")).ShouldBe(HttpStatusCode.OK).Body!;
        var nodes = ranking["nodes"]!.AsArray();
        Assert.Equal("sc.sz", nodes[0]!["nodeId"]!.GetValue<string>());
        Assert.Equal(1.0, nodes[0]!["value"]!.GetValue<double>());
        Assert.Equal("sc.xl", nodes[1]!["nodeId"]!.GetValue<string>());
        Assert.Equal(0.6, nodes[1]!["value"]!.GetValue<double>());
        Assert.Null(nodes[2]!["value"]);
    }

    [Fact]
    public async Task The_department_feed_pages_in_dispatch_order_with_no_gaps_or_duplicates()
    {
        var all = (await history.Api.Get("/api/departments/urban/dispatches?limit=100")).ShouldBe(HttpStatusCode.OK).Body!;
        var items = all["items"]!.AsArray();
        Assert.Equal([history.Cases["B"], history.Cases["C"]], items.Select(i => i!["caseId"]!.GetValue<Guid>()));
        Assert.Equal("sc.xl.xl.yf", items[0]!["location"]!["nodeId"]!.GetValue<string>());
        Assert.Equal(4, items[0]!["location"]!["path"]!.AsArray().Count);

        var first = (await history.Api.Get("/api/departments/urban/dispatches?limit=1")).ShouldBe(HttpStatusCode.OK).Body!;
        var second = (await history.Api.Get($"/api/departments/urban/dispatches?limit=1&after={first["next"]!.GetValue<string>()}")).ShouldBe(HttpStatusCode.OK).Body!;
        var third = (await history.Api.Get($"/api/departments/urban/dispatches?limit=1&after={second["next"]!.GetValue<string>()}")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(history.Cases["B"], first["items"]![0]!["caseId"]!.GetValue<Guid>());
        Assert.Equal(history.Cases["C"], second["items"]![0]!["caseId"]!.GetValue<Guid>());
        Assert.Empty(third["items"]!.AsArray());
        Assert.Equal(second["next"]!.GetValue<string>(), third["next"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_live_rollups_equal_a_shadow_rebuilt_from_the_events()
    {
        var progress = (await history.Api.Get("/api/projections")).ShouldBe(HttpStatusCode.OK).Body!.AsArray();
        var metrics = progress.Single(p => p!["name"]!.GetValue<string>() == MetricsProjection.Name)!;
        Assert.Equal(0, metrics["deadLetters"]!.GetValue<long>());

        var differences = await MetricsShadow.CompareAsync(history.Store, metrics["lastSequence"]!.GetValue<long>());

        Assert.Empty(differences);
    }

    [Fact]
    public async Task Bad_metrics_queries_get_their_4xx()
    {
        (await history.Api.Get("/api/metrics/summary?nodeId=nowhere")).ShouldBe(HttpStatusCode.NotFound);
        (await history.Api.Get("/api/metrics/summary?departmentId=nobody")).ShouldBe(HttpStatusCode.NotFound);
        (await history.Api.Get("/api/metrics/summary?nodeId=sc&departmentId=urban")).ShouldBe(HttpStatusCode.BadRequest);
        (await history.Api.Get("/api/metrics/summary?from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z")).ShouldBe(HttpStatusCode.BadRequest);
        (await history.Api.Get("/api/metrics/ranking?level=planet")).ShouldBe(HttpStatusCode.BadRequest);
        (await history.Api.Get("/api/metrics/ranking?metric=happiness")).ShouldBe(HttpStatusCode.BadRequest);
        (await history.Api.Get("/api/metrics/timeseries?bucket=hour")).ShouldBe(HttpStatusCode.BadRequest);
        (await history.Api.Get("/api/departments/urban/dispatches?after=abc")).ShouldBe(HttpStatusCode.BadRequest);
    }
}
