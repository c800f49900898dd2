using Cases.Domain.Grid;
using Cases.Domain.Sla;

namespace Cases.Domain.Tests;

/// <summary>
/// The shared fixture: one branch of Sucheng's tree, the 2026 calendar, default limits, a fixed clock and
/// the people who act on cases. Everything here is immutable, so a static holder is enough.
/// </summary>
public static class World
{
    public const string District = "district-sucheng";
    public const string Street = "street-xiangli";
    public const string Community = "community-xiangli";
    public const string GridId = "grid-yafang";
    public const string MicroA = "micro-yafang-4";
    public const string MicroB = "micro-yafang-5";

    public const string Water = "dept-water";
    public const string Urban = "dept-urban";

    public static GridTree Tree { get; } = new(
    [
        new GridNode(District, "宿城区", GridLevel.District, null),
        new GridNode(Street, "项里街道", GridLevel.Street, District),
        new GridNode(Community, "项里社区", GridLevel.Community, Street),
        new GridNode(GridId, "亚芳花园小区", GridLevel.Grid, Community),
        new GridNode(MicroA, "亚芳花园 4号楼", GridLevel.MicroGrid, GridId),
        new GridNode(MicroB, "亚芳花园 5号楼", GridLevel.MicroGrid, GridId),
    ]);

    public static SlaPolicy Policy { get; } = new(WorkingCalendar.China2026);

    public static CategoryLimits Limits { get; } = CategoryLimits.Default;

    /// <summary>Wednesday 2026-03-04 10:00 in Suqian: an ordinary working day, far from any holiday.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 3, 4, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Five working days after <see cref="Now"/>: Thu 5, Fri 6, Mon 9, Tue 10, Wed 11 March.</summary>
    public static DateTimeOffset NormalResolveBy { get; } = new(2026, 3, 11, 10, 0, 0, TimeSpan.FromHours(8));

    public static Actor Agent { get; } = new("agent-1", "agent", "12345 hotline agent");

    public static Actor MicroAWorker { get; } = new("liaison-a", "grid-worker", "Liaison, building 4", NodeId: MicroA);

    public static Actor MicroBWorker { get; } = new("liaison-b", "grid-worker", "Liaison, building 5", NodeId: MicroB);

    public static Actor GridHead { get; } = new("grid-head", "grid-worker", "Grid head", NodeId: GridId);

    public static Actor CommunityWorker { get; } = new("community-1", "grid-worker", "Community worker", NodeId: Community);

    public static Actor StreetCoordinator { get; } = new("street-1", "coordinator", "Street coordinator", NodeId: Street);

    /// <summary>Not scoped to any node: may act anywhere.</summary>
    public static Actor Coordinator { get; } = new("coord-1", "coordinator", "District coordinator");

    public static Actor WaterClerk { get; } = new("water-1", "department", "Water affairs", DepartmentId: Water);

    public static Actor UrbanClerk { get; } = new("urban-1", "department", "Urban management", DepartmentId: Urban);

    public static DecisionContext Ctx(Actor actor, DateTimeOffset? at = null) =>
        new(actor, at ?? Now, Tree, Policy, Limits);

    /// <summary>The context a firing clock decides in: the system, at the moment the timer is delivered.</summary>
    public static DecisionContext SystemAt(DateTimeOffset at) => Ctx(Actor.System, at);

    public static DateTimeOffset Cst(int month, int day, int hour = 10, int minute = 0) =>
        new(2026, month, day, hour, minute, 0, WorkingCalendar.ChinaStandardTime);
}
