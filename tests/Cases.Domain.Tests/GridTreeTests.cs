using Cases.Domain.Grid;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>The tree the decisions route through.</summary>
public class GridTreeTests
{
    [Fact]
    public void TheDistrictIsTheRoot()
    {
        Assert.Equal(District, Tree.Root?.Id);
        Assert.Equal(6, Tree.Count);
        Assert.Null(Tree.Parent(District));
    }

    [Fact]
    public void APathRunsFromTheDistrictDown()
    {
        Assert.Equal(
            [
                (District, GridLevel.District),
                (Street, GridLevel.Street),
                (Community, GridLevel.Community),
                (GridId, GridLevel.Grid),
                (MicroB, GridLevel.MicroGrid),
            ],
            Tree.Path(MicroB).Select(n => (n.Id, n.Level)));
        Assert.Empty(Tree.Path("no-such-node"));
    }

    [Fact]
    public void ChildrenAreSortedById()
    {
        Assert.Equal([MicroA, MicroB], Tree.Children(GridId).Select(n => n.Id));
        Assert.Empty(Tree.Children(MicroA));
    }

    [Theory]
    [InlineData(GridLevel.MicroGrid, MicroA)]
    [InlineData(GridLevel.Grid, GridId)]
    [InlineData(GridLevel.Community, Community)]
    [InlineData(GridLevel.Street, Street)]
    [InlineData(GridLevel.District, District)]
    public void TheAncestorAtALevelIsFoundFromAMicroGrid(GridLevel level, string expected) =>
        Assert.Equal(expected, Tree.AncestorAt(MicroA, level)?.Id);

    [Fact]
    public void AskingForALowerLevelThanTheNodeGivesTheNodeItself() =>
        Assert.Equal(Street, Tree.AncestorAt(Street, GridLevel.MicroGrid)?.Id);

    [Theory]
    [InlineData(GridLevel.MicroGrid, "microgrid")]
    [InlineData(GridLevel.Street, "street")]
    public void LevelsRoundTripThroughTheirWireNames(GridLevel level, string wire)
    {
        Assert.Equal(wire, level.ToWire());
        Assert.True(GridLevels.TryParse(wire.ToUpperInvariant(), out var parsed));
        Assert.Equal(level, parsed);
        Assert.False(GridLevels.TryParse("household", out _));
    }
}
