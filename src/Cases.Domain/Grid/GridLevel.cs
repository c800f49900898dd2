using System.Text.Json.Serialization;

namespace Cases.Domain.Grid;

/// <summary>The five levels of the governance tree, top to bottom. Households are not nodes.</summary>
public enum GridLevel
{
    /// <summary>区</summary>
    District = 0,
    /// <summary>街道 / 镇</summary>
    Street = 1,
    /// <summary>社区 / 村</summary>
    Community = 2,
    /// <summary>网格</summary>
    Grid = 3,
    /// <summary>微网格</summary>
    [JsonStringEnumMemberName("microgrid")]
    MicroGrid = 4,
}

public static class GridLevels
{
    public static string ToWire(this GridLevel level) => level switch
    {
        GridLevel.District => "district",
        GridLevel.Street => "street",
        GridLevel.Community => "community",
        GridLevel.Grid => "grid",
        GridLevel.MicroGrid => "microgrid",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static bool TryParse(string? value, out GridLevel level)
    {
        foreach (var candidate in Enum.GetValues<GridLevel>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }
}
