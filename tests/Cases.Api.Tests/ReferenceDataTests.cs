using System.Net;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests;

public sealed class ReferenceDataTests(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_grid_tree_runs_from_the_district_down_to_the_micro_grids()
    {
        var tree = (await Api.Get("/api/grid")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal("sc", tree["id"]!.GetValue<string>());
        Assert.Equal("district", tree["level"]!.GetValue<string>());
        var street = tree["children"]!.AsArray().First(s => s!["id"]!.GetValue<string>() == SuchengDemoData.Known.XiangliStreet)!;
        Assert.Equal("项里街道", street["name"]!.GetValue<string>());
        Assert.Equal("street", street["level"]!.GetValue<string>());
        var community = street["children"]![0]!;
        Assert.Equal("community", community["level"]!.GetValue<string>());
        Assert.Equal("grid", community["children"]![0]!["level"]!.GetValue<string>());
        Assert.Equal("microgrid", community["children"]![0]!["children"]![0]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_node_shows_its_path_from_the_district()
    {
        var node = (await Api.Get($"/api/grid/{SuchengDemoData.Known.YafangBuilding4}")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal("亚芳花园 4号楼", node["name"]!.GetValue<string>());
        Assert.Equal(SuchengDemoData.Known.YafangGrid, node["parentId"]!.GetValue<string>());
        Assert.Equal(["district", "street", "community", "grid", "microgrid"], node["path"]!.AsArray().Select(p => p!["level"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Departments_list_the_categories_they_handle()
    {
        var departments = (await Api.Get("/api/departments")).ShouldBe(HttpStatusCode.OK).Body!.AsArray();
        var water = departments.First(d => d!["id"]!.GetValue<string>() == "water")!;
        Assert.Contains("hazard", water["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(SuchengDemoData.Departments.Count, departments.Count);
    }

    [Fact]
    public async Task Category_limits_are_iso_durations_and_can_be_replaced_for_later_clocks()
    {
        var categories = (await Api.Get("/api/categories")).ShouldBe(HttpStatusCode.OK).Body!.AsArray();
        var info = categories.First(c => c!["code"]!.GetValue<string>() == "information")!;
        Assert.Equal("PT2H", info["limits"]!["normal"]!["acknowledge"]!.GetValue<string>());
        Assert.Equal("PT30M", info["limits"]!["urgent"]!["acceptDispatch"]!.GetValue<string>());
        Assert.Equal("P5D", info["limits"]!["normal"]!["resolve"]!.GetValue<string>());

        var limits = new
        {
            normal = new { acknowledge = "PT45S", acceptDispatch = "PT1M", resolve = "PT10M", feedbackWindow = "PT5M" },
            urgent = new { acknowledge = "PT15S", acceptDispatch = "PT30S", resolve = "PT5M", feedbackWindow = "PT5M" },
            resolveInWorkingDays = false,
        };
        var replaced = (await Api.Put("/api/categories/information/limits", limits)).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal("PT45S", replaced["limits"]!["normal"]!["acknowledge"]!.GetValue<string>());

        var filed = await Api.FileAppeal(new
        {
            channel = "online",
            category = "information",
            urgency = "normal",
            title = "New tenants in building 4",
            description = "Register them.",
            microGridId = SuchengDemoData.Known.YafangBuilding4,
            resident = new { name = "周", phone = "13700000000" },
        });
        var view = await Api.Case(filed.CaseId);
        var raised = view.Body!["raisedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(raised.AddSeconds(45), view.Body["acknowledgeBy"]!.GetValue<DateTimeOffset>());
        Assert.Equal(raised.AddMinutes(10), view.Body["resolveBy"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Bad_limits_are_refused()
    {
        (await Api.Put("/api/categories/unknown/limits", new
        {
            normal = new { acknowledge = "PT1H", acceptDispatch = "PT1H", resolve = "P1D", feedbackWindow = "P1D" },
            urgent = new { acknowledge = "PT1H", acceptDispatch = "PT1H", resolve = "P1D", feedbackWindow = "P1D" },
            resolveInWorkingDays = true,
        })).ShouldBe(HttpStatusCode.NotFound);
        var bad = (await Api.Put("/api/categories/service/limits", new
        {
            normal = new { acknowledge = "two hours", acceptDispatch = "PT1H", resolve = "P1D", feedbackWindow = "P1D" },
            urgent = new { acknowledge = "PT1H", acceptDispatch = "-PT1H", resolve = "P1D", feedbackWindow = "P1D" },
            resolveInWorkingDays = true,
        })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(bad.Body!["errors"]!["normal.acknowledge"]);
        Assert.NotNull(bad.Body["errors"]!["urgent.acceptDispatch"]);
    }

    [Fact]
    public async Task Health_answers_when_the_database_does() =>
        Assert.Equal("healthy", (await Api.Get("/health")).ShouldBe(HttpStatusCode.OK).Text("status"));

    [Fact]
    public async Task The_openapi_description_lists_the_contract_with_examples()
    {
        var doc = (await Api.Get("/openapi/v1.json")).ShouldBe(HttpStatusCode.OK).Body!;
        var paths = doc["paths"]!.AsObject();
        foreach (var path in new[] { "/api/appeals", "/api/cases/{caseId}", "/api/cases", "/api/cases/{caseId}/history", "/api/cases/{caseId}/state", "/api/grid", "/api/categories/{code}/limits", "/api/routing-rules", "/api/reference/changes" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI description");
        }

        var example = paths["/api/appeals"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"];
        Assert.Equal("hotline", example!["channel"]!.GetValue<string>());
    }
}
