namespace Cases.Domain.Grid;

/// <summary>A functional department (职能部门) and the categories of appeal it handles.</summary>
public sealed record Department(string Id, string Name, IReadOnlyList<string> Categories);
