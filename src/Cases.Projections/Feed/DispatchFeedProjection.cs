using Cases.Domain;
using Cases.Domain.Grid;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

using Cases.Projections.Cases;

namespace Cases.Projections.Feed;

/// <summary>One dispatch as its department's feed shows it. <see cref="Cursor"/> is the event's global sequence.</summary>
public sealed record DispatchFeedItem(
    Guid Id,
    long Cursor,
    string DepartmentId,
    Guid CaseId,
    string CaseNumber,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    string NodeId,
    IReadOnlyList<NodeRef> Path,
    string? Instructions,
    DateTimeOffset DispatchedAt,
    DateTimeOffset AcceptBy)
{
    /// <summary>
    /// The one description of a dispatch that departments receive, pulled from the feed or pushed to them:
    /// the case as it stood when it was dispatched, and where from. <paramref name="cursor"/> is the dispatch
    /// event's global sequence, or 0 while it is not yet known (before the event is committed).
    /// </summary>
    public static DispatchFeedItem Describe(long cursor, CaseDispatched dispatched, CaseRecord @case, IReadOnlyList<NodeRef> path) =>
        new(dispatched.DispatchId, cursor, dispatched.DepartmentId, @case.Id, @case.CaseNumber, @case.Category, @case.State.Urgency,
            @case.Title, @case.Description, dispatched.FromNodeId, path, dispatched.Instructions, dispatched.At, dispatched.AcceptBy);
}

/// <summary>
/// The department dispatch feed. The async daemon only ever reads up to the event store's high water mark,
/// below which every event is committed, so the cursor grows with no gaps and no duplicates.
/// </summary>
public sealed class DispatchFeedProjection : IProjection
{
    public const string Name = "dispatch-feed";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var dispatches = events.Where(e => e.Data is CaseDispatched).ToList();
        if (dispatches.Count == 0)
        {
            return;
        }

        var cases = (await operations.LoadManyAsync<CaseRecord>(cancellation, dispatches.Select(e => e.StreamId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var nodeIds = dispatches.SelectMany(e => cases.TryGetValue(e.StreamId, out var c) ? c.State.NodePath.Append(((CaseDispatched)e.Data).FromNodeId) : [])
            .Distinct(StringComparer.Ordinal).ToArray();
        var nodes = (await operations.LoadManyAsync<GridNode>(cancellation, nodeIds)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var e in dispatches)
        {
            if (cases.TryGetValue(e.StreamId, out var @case))
            {
                operations.Store(Item(e.Sequence, (CaseDispatched)e.Data, @case, nodes));
            }
        }
    }

    /// <summary>
    /// The item as the projection builds it when <paramref name="allNodes"/> holds the whole grid: the projection loads only
    /// the nodes on the case's path and the dispatching node, so the item's path is walked among those.
    /// </summary>
    public static DispatchFeedItem ItemAmong(long sequence, CaseDispatched dispatched, CaseRecord @case, IReadOnlyDictionary<string, GridNode> allNodes)
    {
        var loaded = @case.State.NodePath.Append(dispatched.FromNodeId).Where(allNodes.ContainsKey).Distinct(StringComparer.Ordinal)
            .ToDictionary(id => id, id => allNodes[id], StringComparer.Ordinal);
        return Item(sequence, dispatched, @case, loaded);
    }

    /// <summary>The feed item for one dispatch, given the case and the nodes on its path: the projection, its shadow and the rebuild share it.</summary>
    public static DispatchFeedItem Item(long sequence, CaseDispatched dispatched, CaseRecord @case, IReadOnlyDictionary<string, GridNode> nodes)
    {
        var path = new List<NodeRef>();
        for (var node = nodes.GetValueOrDefault(dispatched.FromNodeId); node is not null; node = node.ParentId is null ? null : nodes.GetValueOrDefault(node.ParentId))
        {
            path.Insert(0, new NodeRef(node.Id, node.Name, node.Level));
        }

        return DispatchFeedItem.Describe(sequence, dispatched, @case, path);
    }
}
