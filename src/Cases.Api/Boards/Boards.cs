using Cases.Api.Cases;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Clocks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Boards;

public sealed record BoardCounts(long Open, long Acknowledged, long Dispatched, long AwaitingFeedback, long Overdue, long Warned)
{
    public static BoardCounts None { get; } = new(0, 0, 0, 0, 0, 0);
}

public sealed record ChildBoard(string NodeId, string Name, BoardCounts Counts);

/// <summary>What a grid worker or coordinator sees first: the cases held at or under the node, right now.</summary>
public sealed record NodeBoard(string NodeId, string Name, BoardCounts Counts, IReadOnlyList<ChildBoard> Children);

/// <summary>
/// A department's dispatches now. A department holds at most one outstanding dispatch per case, so each count is
/// of cases. <c>overdueAcceptance</c> counts the pending dispatches whose acceptance clock has expired.
/// </summary>
public sealed record DepartmentBoard(string DepartmentId, long Pending, long Accepted, long OverdueAcceptance, long ActiveCases, long OverdueCases);

public static class BoardEndpoints
{
    [WolverineGet("/api/grid/{nodeId}/board", OperationId = "nodeBoard")]
    [Authorize(Roles = Roles.NodeReaders)]
    [Tags("Boards")]
    [ProducesResponseType<NodeBoard>(StatusCodes.Status200OK)]
    public static async Task<IResult> Node(string nodeId, HttpContext http, IActorAccessor actors, BoardQueries boards, ReferenceData referenceData, TimeProvider clock, CancellationToken ct)
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

        var counts = await boards.CountUnderAsync(node, clock.GetUtcNow().ToUniversalTime(), ct);
        var children = tree.Children(nodeId)
            .Select(child => new ChildBoard(child.Id, child.Name, counts.GetValueOrDefault(child.Id, BoardCounts.None)))
            .ToList();
        return Results.Ok(new NodeBoard(node.Id, node.Name, counts.GetValueOrDefault(node.Id, BoardCounts.None), children));
    }

    [WolverineGet("/api/departments/{departmentId}/board", OperationId = "departmentBoard")]
    [Authorize(Roles = Roles.DepartmentReaders)]
    [Tags("Boards")]
    [ProducesResponseType<DepartmentBoard>(StatusCodes.Status200OK)]
    public static async Task<IResult> Department(string departmentId, HttpContext http, IActorAccessor actors, BoardQueries boards, ReferenceData referenceData, TimeProvider clock, CancellationToken ct)
    {
        if (!(await referenceData.GetAsync(ct)).Departments.ContainsKey(departmentId))
        {
            return Problems.NotFound($"There is no department '{departmentId}'.");
        }

        return CaseScope.MayReadDepartment(actors.Current(http), departmentId)
            ? Results.Ok(await boards.CountForDepartmentAsync(departmentId, clock.GetUtcNow().ToUniversalTime(), ct))
            : CaseScope.Forbidden($"You may not read department '{departmentId}'.");
    }
}
