using Cases.Api.Infrastructure.Http;
using Cases.Api.Reference;
using Cases.Domain.Grid;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Grid;

public sealed record TreeNode(string Id, string Name, GridLevel Level, IReadOnlyList<TreeNode> Children);

public sealed record NodeDetail(string Id, string Name, GridLevel Level, string? ParentId, IReadOnlyList<NodeRef> Path, IReadOnlyList<NodeRef> Children);

public sealed record DepartmentView(string Id, string Name, IReadOnlyList<string> Categories);

public static class GridEndpoints
{
    /// <summary>The whole tree, from the district down to the micro-grids.</summary>
    [WolverineGet("/api/grid", OperationId = "gridTree")]
    [Authorize]
    [Tags("Reference data")]
    [ProducesResponseType<TreeNode>(StatusCodes.Status200OK)]
    public static async Task<IResult> Tree(ReferenceData referenceData, CancellationToken ct)
    {
        var tree = (await referenceData.GetAsync(ct)).Tree;
        return tree.Root is { } root ? Results.Ok(Build(tree, root)) : Problems.NotFound("No grid tree is loaded.");
    }

    [WolverineGet("/api/grid/{nodeId}", OperationId = "gridNode")]
    [Authorize]
    [Tags("Reference data")]
    [ProducesResponseType<NodeDetail>(StatusCodes.Status200OK)]
    public static async Task<IResult> Node(string nodeId, ReferenceData referenceData, CancellationToken ct)
    {
        var tree = (await referenceData.GetAsync(ct)).Tree;
        return tree.Find(nodeId) is { } node
            ? Results.Ok(new NodeDetail(node.Id, node.Name, node.Level, node.ParentId, tree.Path(node.Id),
                [.. tree.Children(node.Id).Select(c => new NodeRef(c.Id, c.Name, c.Level))]))
            : Problems.NotFound($"There is no grid node '{nodeId}'.");
    }

    [WolverineGet("/api/departments", OperationId = "departments")]
    [Authorize]
    [Tags("Reference data")]
    [ProducesResponseType<DepartmentView[]>(StatusCodes.Status200OK)]
    public static async Task<IReadOnlyList<DepartmentView>> Departments(ReferenceData referenceData, CancellationToken ct) =>
        [.. (await referenceData.GetAsync(ct)).Departments.Values.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => new DepartmentView(d.Id, d.Name, d.Categories))];

    private static TreeNode Build(GridTree tree, GridNode node) =>
        new(node.Id, node.Name, node.Level, [.. tree.Children(node.Id).Select(c => Build(tree, c))]);
}
