using Cases.Domain.Grid;
using Marten;

namespace Cases.Api.Reference;

/// <summary>
/// The one event stream that holds the history of the reference data. Its version is the reference-data
/// version: every change appends one event, so the version only ever grows, and a node whose snapshot is at
/// an older version knows that it must reload.
/// </summary>
public static class ReferenceStream
{
    /// <summary>A fixed identity ("ref_data" in its first bytes) so that every node finds the same stream.</summary>
    public static readonly Guid Id = new("7265665f-6461-7461-0000-000000000001");

    /// <summary>
    /// Registered up front so that a node that has never appended one can still read the history another
    /// node wrote.
    /// </summary>
    public static void Register(StoreOptions marten)
    {
        marten.Events.AddEventType<CategoryLimitsReplaced>();
        marten.Events.AddEventType<RoutingRulesReplaced>();
    }
}

/// <summary>
/// The stream's aggregate, for Marten's exclusive fetch: it holds no state of its own, because the current
/// values live in the category, routing, node and department documents written in the same transaction.
/// </summary>
public sealed class ReferenceLog
{
    public Guid Id { get; set; }

    public long Version { get; set; }

    public void Apply(CategoryLimitsReplaced change) => _ = change;

    public void Apply(RoutingRulesReplaced change) => _ = change;
}
