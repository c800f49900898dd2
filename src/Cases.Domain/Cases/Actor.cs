namespace Cases.Domain;

/// <summary>
/// Who did something. Every event carries one. <paramref name="NodeId"/> and <paramref name="DepartmentId"/>
/// scope the actor: a grid worker acts at a node, a department user for a department.
/// </summary>
public sealed record Actor(string Id, string Role, string? Name = null, string? NodeId = null, string? DepartmentId = null)
{
    /// <summary>The clocks and rules act as this actor.</summary>
    public static Actor System { get; } = new("system", "system", "Cases SLA clock");
}

/// <summary>A resident's contact. Personal information: masked for roles that may not see it.</summary>
public sealed record Resident(string Name, string Phone, string? Address);
