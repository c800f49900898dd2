using Cases.Api.Cases;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Clocks;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Boards;

public sealed record BoardCounts(long Open, long Acknowledged, long Dispatched, long AwaitingFeedback, long Overdue, long Warned);

public sealed record ChildBoard(string NodeId, string Name, BoardCounts Counts);

/// <summary>What a grid worker or coordinator sees first: the cases held at or under the node, right now.</summary>
public sealed record NodeBoard(string NodeId, string Name, BoardCounts Counts, IReadOnlyList<ChildBoard> Children);

public sealed record DepartmentBoard(string DepartmentId, long Pending, long Accepted, long OverdueAcceptance, long ActiveCases, long OverdueCases);

public static class BoardEndpoints
{
    [WolverineGet("/api/grid/{nodeId}/board", OperationId = "nodeBoard")]
    [Authorize(Roles = Roles.NodeReaders)]
    [Tags("Boards")]
    [ProducesResponseType<NodeBoard>(StatusCodes.Status200OK)]
    public static async Task<IResult> Node(string nodeId, HttpContext http, IActorAccessor actors, IQuerySession session, ReferenceData referenceData, TimeProvider clock, CancellationToken ct)
    {
        var tree = (await referenceData.GetAsync(ct)).Tree;
        if (tree.Find(nodeId) is not { } node)
        {
            return Problems.NotFound($"There is no grid node '{nodeId}'.");
        }

        if (!CaseScope.MayReadNode(actors.Current(http), tree, nodeId))
        {
            return CaseScope.Forbidden($"Node '{nodeId}' is not at or beneath your node.");
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        var cases = await session.Query<Case>()
            .Where(c => c.NodePath.Contains(nodeId) && (c.Status == CaseStatus.Open || c.Status == CaseStatus.Acknowledged || c.Status == CaseStatus.Dispatched || c.Status == CaseStatus.Resolved))
            .ToListAsync(ct);
        var children = tree.Children(nodeId)
            .Select(child => new ChildBoard(child.Id, child.Name, Count(cases.Where(c => c.NodePath.Contains(child.Id)), now)))
            .ToList();
        return Results.Ok(new NodeBoard(node.Id, node.Name, Count(cases, now), children));
    }

    [WolverineGet("/api/departments/{departmentId}/board", OperationId = "departmentBoard")]
    [Authorize(Roles = Roles.DepartmentReaders)]
    [Tags("Boards")]
    [ProducesResponseType<DepartmentBoard>(StatusCodes.Status200OK)]
    public static async Task<IResult> Department(string departmentId, HttpContext http, IActorAccessor actors, IQuerySession session, ReferenceData referenceData, TimeProvider clock, CancellationToken ct)
    {
        if (!(await referenceData.GetAsync(ct)).Departments.ContainsKey(departmentId))
        {
            return Problems.NotFound($"There is no department '{departmentId}'.");
        }

        if (!CaseScope.MayReadDepartment(actors.Current(http), departmentId))
        {
            return CaseScope.Forbidden($"You may not read department '{departmentId}'.");
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        var cases = await session.Query<Case>()
            .Where(c => c.DepartmentIds.Contains(departmentId) && (c.Status == CaseStatus.Open || c.Status == CaseStatus.Acknowledged || c.Status == CaseStatus.Dispatched))
            .ToListAsync(ct);
        var dispatches = cases.SelectMany(c => c.Dispatches.Where(d => d.DepartmentId == departmentId)).ToList();
        return Results.Ok(new DepartmentBoard(
            departmentId,
            dispatches.Count(d => d.Status == DispatchStatus.Pending),
            dispatches.Count(d => d.Status == DispatchStatus.Accepted),
            dispatches.Count(d => d.Status == DispatchStatus.Pending && d.AcceptBy < now),
            cases.Count(c => c.Dispatches.Any(d => d.DepartmentId == departmentId && d.IsOutstanding)),
            cases.Count(c => c.Dispatches.Any(d => d.DepartmentId == departmentId && d.IsOutstanding) && CaseClocks.IsOverdue(c, now))));
    }

    private static BoardCounts Count(IEnumerable<Case> cases, DateTimeOffset now)
    {
        long open = 0, acknowledged = 0, dispatched = 0, resolved = 0, overdue = 0, warned = 0;
        foreach (var c in cases)
        {
            switch (c.Status)
            {
                case CaseStatus.Open: open++; break;
                case CaseStatus.Acknowledged: acknowledged++; break;
                case CaseStatus.Dispatched: dispatched++; break;
                case CaseStatus.Resolved: resolved++; break;
            }

            overdue += CaseClocks.IsOverdue(c, now) ? 1 : 0;
            warned += CaseClocks.Running(c, now).Any(k => k.Fired.Any(s => s != ClockStage.Expired)) ? 1 : 0;
        }

        return new BoardCounts(open, acknowledged, dispatched, resolved, overdue, warned);
    }
}
