using Cases.Domain.Routing;
using Cases.Domain.Sla;

namespace Cases.Domain.Grid;

/// <summary>
/// A change to the reference data, as recorded in the reference-data stream: what it replaced, with what, and
/// who did it. The stream's version is the reference-data version every node compares to its own.
/// </summary>
public interface IReferenceChange
{
    Actor By { get; }
}

/// <summary>An administrator replaced a category's clock limits; clocks started later use <paramref name="After"/>.</summary>
public sealed record CategoryLimitsReplaced(string Code, CategoryLimits Before, CategoryLimits After, Actor By) : IReferenceChange;

/// <summary>An administrator replaced the routing rules; appeals filed later follow <paramref name="After"/>.</summary>
public sealed record RoutingRulesReplaced(RoutingRules Before, RoutingRules After, Actor By) : IReferenceChange;
