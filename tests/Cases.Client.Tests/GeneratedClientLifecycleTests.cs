using Cases.Api.Demo;
using Cases.Client.Generated.Models;
using Cases.Client.Tests.Support;

namespace Cases.Client.Tests;

/// <summary>A whole case, driven only through the client Kiota generates from the served document.</summary>
[Collection(ClientCollection.Name)]
public sealed class GeneratedClientLifecycleTests(ClientFixture fixture)
{
    private const string Grid = SuchengDemoData.Known.YafangGrid;
    private const string MicroGrid = SuchengDemoData.Known.YafangBuilding4;

    [Fact]
    public async Task A_case_goes_from_intake_to_closure_through_the_generated_client()
    {
        var agent = await fixture.ClientFor("agent-li", "agent");
        var filed = await agent.Api.Appeals.PostAsync(new FileAppealRequest
        {
            Channel = "hotline",
            Category = "dispute",
            Urgency = "normal",
            Title = "Neighbour's renovation noise after 22:00",
            Description = "Drilling every night after 22:00 in building 4.",
            MicroGridId = MicroGrid,
            Resident = new ResidentContact { Name = "王小明", Phone = "13800001234" },
        });
        Assert.NotNull(filed);
        Assert.Equal(CaseStatus.Open, filed.Status);
        Assert.Equal(MicroGrid, filed.CurrentNodeId);
        var caseId = filed.CaseId!.Value;
        var thisCase = agent.Api.Cases[caseId];

        // Optional fields stay out of the body: no note, no expectedVersion.
        var worker = (await fixture.ClientFor($"worker-{MicroGrid}", "gridworker", MicroGrid)).Api.Cases[caseId];
        var acknowledged = await worker.Acknowledge.PostAsync(new AcknowledgeRequest());
        Assert.Equal(CaseStatus.Acknowledged, acknowledged!.Status);
        var escalated = await worker.Escalate.PostAsync(new EscalateRequest { Reason = "Needs the grid head.", ExpectedVersion = acknowledged.Version });
        Assert.Equal(Grid, escalated!.CurrentNodeId);

        var gridHead = (await fixture.ClientFor($"coordinator-{Grid}", "coordinator", Grid)).Api.Cases[caseId];
        await gridHead.Acknowledge.PostAsync(new AcknowledgeRequest { Note = "Taking it." });
        var dispatched = await gridHead.Dispatch.PostAsync(new DispatchRequest { DepartmentId = "urban" });
        Assert.Equal(CaseStatus.Dispatched, dispatched!.Status);
        var dispatchId = Assert.Single(dispatched.Dispatches!).DispatchId!.Value;

        var urban = (await fixture.ClientFor("dept-urban", "department", departmentId: "urban")).Api.Cases[caseId];
        var accepted = await urban.Dispatches[dispatchId].Accept.PostAsync(new AcceptDispatchRequest());
        Assert.Equal(DispatchStatus.Accepted, Assert.Single(accepted!.Dispatches!).Status);
        var resolved = await urban.Resolve.PostAsync(new ResolveRequest { Resolution = "Contractor stops at 21:00." });
        Assert.Equal(CaseStatus.Resolved, resolved!.Status);

        var closed = await thisCase.Feedback.PostAsync(new FeedbackRequest { Satisfied = true, Score = 5 });
        Assert.Equal(CaseStatus.Closed, closed!.Status);

        var read = await thisCase.GetAsync();
        Assert.Equal(CaseStatus.Closed, read!.Status);
        Assert.Equal(closed.Version, read.Version);
        Assert.Equal(5, read.Feedback!.Score);
    }

    [Fact]
    public async Task A_refused_command_surfaces_as_the_documented_problem()
    {
        var agent = await fixture.ClientFor("agent-li", "agent");
        var coordinator = await fixture.ClientFor("coord-district", "coordinator", "sc");
        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => coordinator.Api.Cases[Guid.NewGuid()].Acknowledge.PostAsync(new AcknowledgeRequest()));
        Assert.Equal(404, problem.Status);

        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => agent.Api.Appeals.PostAsync(new FileAppealRequest { Channel = "fax" }));
        Assert.Equal(400, invalid.Status);
        Assert.NotNull(invalid.Errors?.AdditionalData);
        Assert.Contains("channel", invalid.Errors!.AdditionalData.Keys);
    }
}
