using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Cases.Api.Audit;
using Cases.Api.Tests.Security;
using Cases.Api.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Cases.Api.Tests.Audit;

/// <summary>
/// An auditor takes the record away: the NDJSON export of a period re-imports into a scratch database, and the
/// scratch database's projections replay to the very figures of the source.
/// </summary>
public sealed class ExportTests : IAsyncLifetime
{
    private IAlbaHost _source = null!;
    private IAlbaHost _scratch = null!;

    public async Task InitializeAsync()
    {
        _source = await TestHosts.StartAsync(await TestDatabase.CreateDatabaseAsync("cases_export_source"));
        _scratch = await TestHosts.StartAsync(await TestDatabase.CreateDatabaseAsync("cases_export_scratch"));
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _scratch.DisposeAsync();
    }

    [Fact]
    public async Task The_export_of_a_period_reimports_into_a_scratch_database_and_replays_to_the_same_figures()
    {
        var api = new ApiClient(_source.Server.CreateClient());
        var arrange = new Arrange(api);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var cases = new[] { await arrange.Resolved(), await arrange.Dispatched(), await arrange.HandledAtGrid(), await arrange.Filed() }.Select(t => t.CaseId).ToList();
        var to = DateTimeOffset.UtcNow.AddMinutes(1);

        // One case: its history, line for line, with the contact masked.
        var one = (await api.Get($"/api/audit/export?caseId={cases[0]}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(AuditExport.MediaType, one.MediaType);
        var lines = Lines(one);
        var history = (await api.Get($"/api/cases/{cases[0]}/history", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!["events"]!.AsArray();
        Assert.Equal(history.Select(e => e!["sequence"]!.GetValue<long>()), lines.Select(l => l["sequence"]!.GetValue<long>()));
        Assert.All(lines, l => Assert.Equal(cases[0], Guid.Parse(l["caseId"]!.GetValue<string>())));
        Assert.All(lines, l => Assert.StartsWith("command:", l["causationId"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.DoesNotContain("13800001234", one.Raw!, StringComparison.Ordinal);
        Assert.Contains("138****1234", one.Raw!, StringComparison.Ordinal);

        // Bad input is a 4xx problem.
        (await api.Get($"/api/audit/export?from={Iso(from)}", Caller.Auditor)).ShouldBe(HttpStatusCode.BadRequest);
        (await api.Get($"/api/audit/export?from={Iso(to)}&to={Iso(from)}", Caller.Auditor)).ShouldBe(HttpStatusCode.BadRequest);
        (await api.Get($"/api/audit/export?caseId={cases[0]}&from={Iso(from)}&to={Iso(to)}", Caller.Auditor)).ShouldBe(HttpStatusCode.BadRequest);
        (await api.Get($"/api/audit/export?caseId={Guid.NewGuid()}", Caller.Auditor)).ShouldBe(HttpStatusCode.NotFound);

        // The period: every case raised in it, each whole.
        var period = (await api.Get($"/api/audit/export?from={Iso(from)}&to={Iso(to)}", Caller.Admin)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(cases.Order(), Lines(period).Select(l => Guid.Parse(l["caseId"]!.GetValue<string>())).Distinct().Order());
        var empty = (await api.Get($"/api/audit/export?from={Iso(to.AddDays(1))}&to={Iso(to.AddDays(2))}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("", empty.Raw ?? "");

        var (importedCases, importedEvents) = await AuditImport.ImportAsync(
            _scratch.Services.GetRequiredService<IDocumentStore>(), new StringReader(period.Raw!), null, CancellationToken.None);
        Assert.Equal((cases.Count, (long)Lines(period).Count), (importedCases, importedEvents));

        var query = $"/api/metrics/summary?nodeId=sc&from={Iso(from)}&to={Iso(to)}";
        var source = await Figures(_source, api, query);
        Assert.Equal(cases.Count, source["figures"]!["raised"]!.GetValue<long>());
        var scratchApi = new ApiClient(_scratch.Server.CreateClient());
        // The figures and the backlog; not asOf, which names the sequence each store reached (the source has reference data too).
        var scratch = await Figures(_scratch, scratchApi, query);
        Assert.Equal(source["figures"]!.ToJsonString(), scratch["figures"]!.ToJsonString());
        Assert.Equal(source["backlog"]!.ToJsonString(), scratch["backlog"]!.ToJsonString());
        var replayed = (await scratchApi.Get($"/api/cases/{cases[0]}", Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal("resolved", replayed["status"]!.GetValue<string>());
    }

    private static List<JsonNode> Lines(Answer answer) =>
        [.. answer.Raw!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<JsonNode> Figures(IAlbaHost host, ApiClient api, string query)
    {
        await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        return (await api.Get(query, Caller.Auditor)).ShouldBe(HttpStatusCode.OK).Body!;
    }
}
