using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Cases.Projections.Cases;
using Npgsql;

namespace Cases.Api.Tests;

/// <summary>The case read model: the columns the SQL relies on, the boards counted over them, and masking by caller.</summary>
public sealed class ReadModelTests(ApiFixture fixture) : ApiTest(fixture)
{
    private const string Grid = SuchengDemoData.Known.YafangGrid;
    private const string MicroGrid = SuchengDemoData.Known.YafangBuilding4;

    [Fact]
    public async Task Every_column_the_hand_written_SQL_reads_is_a_column_Marten_maintains()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select column_name, data_type from information_schema.columns where table_schema = 'cases' and table_name = @table", connection);
        command.Parameters.AddWithValue("table", CaseRecordSchema.Table);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }

        // Renaming a property renames its column name here (nameof); a column Marten no longer duplicates fails here.
        Assert.All(CaseRecordSchema.All, column => Assert.True(columns.ContainsKey(column), $"The SQL reads '{column}', which {CaseRecordSchema.Table} lacks."));
        Assert.Equal("ARRAY", columns[CaseRecordSchema.NodePath]);
        Assert.Equal("boolean", columns[CaseRecordSchema.Active]);
        Assert.Equal("timestamp with time zone", columns[CaseRecordSchema.OverdueFrom]);
    }

    [Fact]
    public async Task The_node_board_counts_what_the_case_list_lists_by_child_and_by_status()
    {
        var before = await Board(Grid);
        var worker = Caller.GridWorker(MicroGrid);
        var gridHead = Caller.CoordinatorAt(Grid);
        var open = (await Api.FileAppeal()).CaseId;
        var acknowledged = (await Api.FileAppeal()).CaseId;
        (await Api.Command(acknowledged, "acknowledge", new { }, worker)).ShouldBe(HttpStatusCode.OK);
        var dispatched = (await Api.FileAppeal()).CaseId;
        (await Api.Command(dispatched, "escalate", new { reason = "Needs the grid." }, worker)).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(dispatched, "acknowledge", new { }, gridHead)).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(dispatched, "dispatch", new { departmentId = "urban" }, gridHead)).ShouldBe(HttpStatusCode.OK);

        var after = await Board(Grid);
        Assert.Equal(Counts(before) with { Open = Counts(before).Open + 1, Acknowledged = Counts(before).Acknowledged + 1, Dispatched = Counts(before).Dispatched + 1 }, Counts(after));
        // The dispatched case is held at the grid itself, so the micro-grid's row counts only the other two.
        var child = Counts(Child(after, MicroGrid));
        var childBefore = Counts(Child(before, MicroGrid));
        Assert.Equal(childBefore with { Open = childBefore.Open + 1, Acknowledged = childBefore.Acknowledged + 1 }, child);

        // The board and the list agree, status by status.
        foreach (var (status, count) in new[] { ("open", Counts(after).Open), ("acknowledged", Counts(after).Acknowledged), ("dispatched", Counts(after).Dispatched) })
        {
            var listed = (await Api.Get($"/api/cases?nodeId={Grid}&status={status}&pageSize=1")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(count, listed.Body!["total"]!.GetValue<long>());
        }

        Assert.NotEqual(open, acknowledged);
    }

    [Fact]
    public async Task The_department_board_counts_its_pending_and_accepted_dispatches()
    {
        var before = (await Api.Get("/api/departments/water/board")).ShouldBe(HttpStatusCode.OK).Body!;
        var gridHead = Caller.CoordinatorAt(Grid);
        var caseId = (await Api.FileAppeal()).CaseId;
        (await Api.Command(caseId, "escalate", new { reason = "Needs the grid." }, Caller.GridWorker(MicroGrid))).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(caseId, "acknowledge", new { }, gridHead)).ShouldBe(HttpStatusCode.OK);
        var dispatchId = (await Api.Command(caseId, "dispatch", new { departmentId = "water" }, gridHead)).ShouldBe(HttpStatusCode.OK)
            .Body!["dispatches"]![0]!["dispatchId"]!.GetValue<Guid>();

        var pending = (await Api.Get("/api/departments/water/board")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(Long(before, "pending") + 1, Long(pending, "pending"));
        Assert.Equal(Long(before, "activeCases") + 1, Long(pending, "activeCases"));

        (await Api.Command(caseId, $"dispatches/{dispatchId}/accept", new { }, Caller.Department("water"))).ShouldBe(HttpStatusCode.OK);
        var accepted = (await Api.Get("/api/departments/water/board")).ShouldBe(HttpStatusCode.OK).Body!;
        Assert.Equal(Long(before, "pending"), Long(accepted, "pending"));
        Assert.Equal(Long(before, "accepted") + 1, Long(accepted, "accepted"));
        Assert.Equal(Long(before, "activeCases") + 1, Long(accepted, "activeCases"));
        (await Api.Get("/api/departments/nobody/board")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_residents_contact_is_shown_only_to_those_who_need_it()
    {
        var caseId = (await Api.FileAppeal(actor: Caller.Agent)).CaseId;
        var gridHead = Caller.CoordinatorAt(Grid);
        (await Api.Command(caseId, "escalate", new { reason = "Needs the grid." }, Caller.GridWorker(MicroGrid))).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(caseId, "acknowledge", new { }, gridHead)).ShouldBe(HttpStatusCode.OK);
        (await Api.Command(caseId, "dispatch", new { departmentId = "urban" }, gridHead)).ShouldBe(HttpStatusCode.OK);

        var seen = new Dictionary<string, JsonNode>
        {
            ["the agent who filed it"] = await Resident(caseId, Caller.Agent),
            ["a handler at its micro-grid"] = await Resident(caseId, Caller.GridWorker(MicroGrid)),
            ["the department it was dispatched to"] = await Resident(caseId, Caller.Department("urban")),
            ["another agent"] = await Resident(caseId, new Caller("agent-other", "agent")),
            ["an auditor"] = await Resident(caseId, Caller.Auditor),
        };

        foreach (var who in new[] { "the agent who filed it", "a handler at its micro-grid", "the department it was dispatched to" })
        {
            Assert.False(seen[who]["masked"]!.GetValue<bool>(), who);
            Assert.Equal("13800001234", seen[who]["phone"]!.GetValue<string>());
            Assert.Equal("王小明", seen[who]["name"]!.GetValue<string>());
        }

        foreach (var who in new[] { "another agent", "an auditor" })
        {
            Assert.True(seen[who]["masked"]!.GetValue<bool>(), who);
            Assert.Equal("138****1234", seen[who]["phone"]!.GetValue<string>());
            Assert.DoesNotContain("小明", seen[who]["name"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("4号楼", seen[who]["address"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Outside the case's scope there is no case at all, let alone a contact (the same 404 as an unknown id).
        (await Api.Get($"/api/cases/{caseId}", Caller.GridWorker(SuchengDemoData.Known.LijingwanGrid))).ShouldBe(HttpStatusCode.NotFound);
        (await Api.Get($"/api/cases/{caseId}", Caller.Department("water"))).ShouldBe(HttpStatusCode.NotFound);

        // The history masks the raised event's contact the same way.
        var history = (await Api.Get($"/api/cases/{caseId}/history", Caller.Auditor)).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("13800001234", history.Body!.ToJsonString(), StringComparison.Ordinal);
        var own = (await Api.Get($"/api/cases/{caseId}/history", Caller.Agent)).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("13800001234", own.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> Resident(Guid caseId, Caller caller) =>
        (await Api.Get($"/api/cases/{caseId}", caller)).ShouldBe(HttpStatusCode.OK).Body!["resident"]!;

    private async Task<JsonNode> Board(string nodeId) => (await Api.Get($"/api/grid/{nodeId}/board")).ShouldBe(HttpStatusCode.OK).Body!;

    private static JsonNode Child(JsonNode board, string nodeId) =>
        board["children"]!.AsArray().Single(c => c!["nodeId"]!.GetValue<string>() == nodeId)!;

    private static BoardCounts Counts(JsonNode board)
    {
        var c = board["counts"]!;
        return new BoardCounts(Long(c, "open"), Long(c, "acknowledged"), Long(c, "dispatched"), Long(c, "awaitingFeedback"), Long(c, "overdue"), Long(c, "warned"));
    }

    private static long Long(JsonNode node, string property) => node[property]!.GetValue<long>();

    private sealed record BoardCounts(long Open, long Acknowledged, long Dispatched, long AwaitingFeedback, long Overdue, long Warned);
}
