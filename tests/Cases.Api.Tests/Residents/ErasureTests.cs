using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Residents;
using Cases.Api.Tests.Support;
using Marten;
using Marten.Events;
using Known = Cases.Api.Demo.SuchengDemoData.Known;

namespace Cases.Api.Tests.Residents;

/// <summary>
/// A resident's erasure: afterwards their phone, name and address are nowhere in the database, in any table of any
/// schema, while every case, its history and the figures stay as they were.
/// </summary>
public sealed class ErasureTests(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Phone = "13912345678";
    private const string Name = "欧阳娜娜";
    private const string Address = "亚芳花园 9号楼 1201室";
    private const string Title = "楼道堆放杂物无人清理";

    [Fact]
    public async Task Erasure_leaves_no_trace_of_the_contact_anywhere_and_every_case_history_and_figure_intact()
    {
        // Two appeals by the resident, the phone written two ways, and one by a neighbour who is not erased.
        var first = (await Api.FileAppeal(Appeal(Phone), Caller.Agent)).CaseId;
        var second = (await Api.FileAppeal(Appeal("139 1234 5678"), Caller.Agent)).CaseId;
        var neighbour = (await Api.FileAppeal(Appeal("13700009999"), Caller.Agent)).CaseId;
        (await Api.Command(first, "acknowledge", new { note = "On it." }, Caller.GridWorker(Known.YafangBuilding4))).ShouldBe(HttpStatusCode.OK);

        var filer = (await Api.Get($"/api/cases/{second}", Caller.Agent)).ShouldBe(HttpStatusCode.OK).Body!["resident"]!;
        Assert.Equal((Name, "139 1234 5678", Address, false), (filer["name"]!.GetValue<string>(), filer["phone"]!.GetValue<string>(), filer["address"]!.GetValue<string>(), filer["masked"]!.GetValue<bool>()));
        var audited = (await Api.Get($"/api/cases/{first}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!["resident"]!;
        Assert.Equal(("欧***", "139****5678", true), (audited["name"]!.GetValue<string>(), audited["phone"]!.GetValue<string>(), audited["masked"]!.GetValue<bool>()));

        // The contact is stored only sealed, so even now it is nowhere in the clear; the search finds what is (the
        // title, the key and its lookup), so its "nowhere" below means something.
        var (lookup, key) = await KeyOf(Phone);
        Assert.Empty(await DatabaseSearch.FindAsync(Fixture.ConnectionString, Phone, Name, Address, "1234 5678"));
        Assert.NotEmpty(await DatabaseSearch.FindAsync(Fixture.ConnectionString, Title));
        Assert.NotEmpty(await DatabaseSearch.FindAsync(Fixture.ConnectionString, lookup));
        Assert.NotEmpty(await DatabaseSearch.FindAsync(Fixture.ConnectionString, key));

        var figuresBefore = await Figures();
        var historyBefore = await History(first);

        // Only an admin erases; a phone nobody gave is a 404; a malformed one a 400.
        (await Api.Post("/api/residents/erasure", new { phone = Phone }, Caller.Auditor)).ShouldBe(HttpStatusCode.Forbidden);
        (await Api.Post("/api/residents/erasure", new { phone = "10000000000" }, Caller.Admin)).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Post("/api/residents/erasure", new { phone = "call me" }, Caller.Admin)).ShouldBe(HttpStatusCode.BadRequest);

        var erased = (await Api.Post("/api/residents/erasure", new { phone = "(139) 1234-5678" }, Caller.Admin)).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal([first, second], erased["caseIds"]!.AsArray().Select(id => Guid.Parse(id!.GetValue<string>())).Order());

        // No trace: not the phone, the name, the address, the key that sealed them, nor the lookup that found it.
        Assert.Empty(await DatabaseSearch.FindAsync(Fixture.ConnectionString, Phone, "139 1234 5678", Name, Address, lookup, key));
        (await Api.Post("/api/residents/erasure", new { phone = Phone }, Caller.Admin)).ShouldBe(HttpStatusCode.NotFound);

        // The cases are intact, their contact gone even for the agent who filed them; the neighbour's untouched.
        var gone = (await Api.Get($"/api/cases/{first}", Caller.Agent)).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal("acknowledged", gone["status"]!.GetValue<string>());
        Assert.True(gone["resident"]!["erased"]!.GetValue<bool>());
        Assert.Equal("", gone["resident"]!["name"]!.GetValue<string>());
        Assert.True((await Api.Get($"/api/cases/{second}/state?version=1", Caller.Agent)).ShouldBe(HttpStatusCode.OK).Body!["resident"]!["erased"]!.GetValue<bool>());
        var kept = (await Api.Get($"/api/cases/{neighbour}", Caller.Agent)).ShouldBe(HttpStatusCode.OK).Body!["resident"]!;
        Assert.Equal(("13700009999", false), (kept["phone"]!.GetValue<string>(), kept["erased"]!.GetValue<bool>()));

        // The history keeps every event, in place, and records the erasure without the data it erased.
        var historyAfter = await History(first);
        Assert.Equal(historyBefore.Select(e => (e["sequence"]!.GetValue<long>(), e["type"]!.GetValue<string>())),
            historyAfter.Take(historyBefore.Count).Select(e => (e["sequence"]!.GetValue<long>(), e["type"]!.GetValue<string>())));
        var erasure = historyAfter[^1];
        Assert.Equal(historyBefore.Count + 1, historyAfter.Count);
        Assert.Equal("resident_contact_erased", erasure["type"]!.GetValue<string>());
        Assert.Equal(Caller.Admin.Id, erasure["actor"]!["id"]!.GetValue<string>());
        Assert.Equal("command:eraseResident", erasure["causationId"]!.GetValue<string>());
        Assert.Equal("", historyAfter[0]["data"]!["resident"]!["name"]!.GetValue<string>());

        Assert.Equal(figuresBefore, await Figures());
    }

    private static object Appeal(string phone) => new
    {
        channel = "hotline", category = "dispute", urgency = "normal", title = Title, description = "每层楼道都有。",
        microGridId = Known.YafangBuilding4, resident = new { name = Name, phone, address = Address },
    };

    private async Task<(string Lookup, string Key)> KeyOf(string phone)
    {
        await using var session = Fixture.Store.QuerySession();
        var lookup = ResidentVault.Lookup(phone);
        var key = await session.Query<ResidentKey>().SingleAsync(k => k.Lookup == lookup);
        return (lookup, Convert.ToBase64String(key.Key));
    }

    private async Task<List<JsonNode>> History(Guid caseId) =>
        [.. (await Api.Get($"/api/cases/{caseId}/history", Caller.Agent)).ShouldBe(HttpStatusCode.OK).Body!["events"]!.AsArray().Select(e => e!)];

    private async Task<string> Figures()
    {
        await Fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        return (await Api.Get($"/api/metrics/summary?nodeId={Known.YafangGrid}", Caller.Admin)).ShouldBe(HttpStatusCode.OK).Body!["figures"]!.ToJsonString();
    }
}
