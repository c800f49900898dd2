using Cases.Domain.Grid;

namespace Cases.Domain;

/// <summary>
/// 事在格中办: a case is settled in the grid when it was resolved without leaving it. This is the one place
/// that says which events take a case out of the grid; the read model and the metrics both fold with it.
/// </summary>
public static class Settlement
{
    /// <summary>True for an event after which the case can no longer count as settled in the grid.</summary>
    public static bool LeavesGrid(object @event) => @event switch
    {
        // Started above grid level by a routing rule, or escalated above it.
        AppealRaised e => IsAboveGrid(e.Node.Level),
        CaseEscalated e => IsAboveGrid(e.To.Level),
        // The whistle: a department was called in.
        CaseDispatched => true,
        _ => false,
    };

    /// <summary>Folds <see cref="LeavesGrid"/> over a history.</summary>
    public static bool LeftGrid(IEnumerable<object> history) => history.Any(LeavesGrid);

    private static bool IsAboveGrid(GridLevel level) => level < GridLevel.Grid;
}
