namespace Cases.Domain.Grid;

/// <summary>One node of the tree. <paramref name="ParentId"/> is null only for the district.</summary>
public sealed record GridNode(string Id, string Name, GridLevel Level, string? ParentId);

/// <summary>A node as it appears on a path from the district down.</summary>
public sealed record NodeRef(string Id, string Name, GridLevel Level);
