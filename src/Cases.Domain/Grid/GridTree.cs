namespace Cases.Domain.Grid;

/// <summary>
/// The district's tree, as reference data. Cases copy the path of the node they are routed to,
/// so a later split or merge of grids never rewrites where an old case went.
/// </summary>
public sealed class GridTree
{
    private readonly Dictionary<string, GridNode> _nodes;
    private readonly Dictionary<string, List<GridNode>> _children;

    public GridTree(IEnumerable<GridNode> nodes)
    {
        _nodes = new Dictionary<string, GridNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            _nodes[node.Id] = node;
        }

        _children = new Dictionary<string, List<GridNode>>(StringComparer.Ordinal);
        foreach (var node in _nodes.Values)
        {
            if (node.ParentId is null)
            {
                continue;
            }

            if (!_children.TryGetValue(node.ParentId, out var list))
            {
                list = [];
                _children[node.ParentId] = list;
            }

            list.Add(node);
        }

        foreach (var list in _children.Values)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        }

        Root = _nodes.Values.FirstOrDefault(n => n.ParentId is null);
    }

    public GridNode? Root { get; }

    public int Count => _nodes.Count;

    public IEnumerable<GridNode> Nodes => _nodes.Values;

    public GridNode? Find(string? id) => id is not null && _nodes.TryGetValue(id, out var node) ? node : null;

    public GridNode? Parent(string id) => Find(Find(id)?.ParentId);

    public IReadOnlyList<GridNode> Children(string id) =>
        _children.TryGetValue(id, out var list) ? list : [];

    /// <summary>The path from the district down to the node, the node included.</summary>
    public IReadOnlyList<NodeRef> Path(string id)
    {
        var path = new List<NodeRef>();
        var current = Find(id);
        var guard = 0;
        while (current is not null && guard++ < 16)
        {
            path.Add(new NodeRef(current.Id, current.Name, current.Level));
            current = Find(current.ParentId);
        }

        path.Reverse();
        return path;
    }

    /// <summary>The first ancestor (or the node itself) at or above <paramref name="level"/>.</summary>
    public GridNode? AncestorAt(string id, GridLevel level)
    {
        var current = Find(id);
        while (current is not null && current.Level > level)
        {
            current = Find(current.ParentId);
        }

        return current;
    }
}
