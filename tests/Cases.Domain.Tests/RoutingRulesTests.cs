using Cases.Domain.Grid;
using Cases.Domain.Routing;
using static Cases.Domain.Tests.CaseSpec;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>Routing as data: where a category and urgency start, and which department to suggest.</summary>
public class RoutingRulesTests
{
    private static readonly RoutingRules Rules = new(
        [
            new StartRule("hazard", Urgency.Urgent, GridLevel.Street),
            new StartRule("dispute", Urgency.Normal, GridLevel.Community),
        ],
        new Dictionary<string, string> { ["dispute"] = "dept-justice", ["hazard"] = Urban });

    [Theory]
    [InlineData("hazard", Urgency.Urgent, GridLevel.Street)]
    [InlineData("dispute", Urgency.Normal, GridLevel.Community)]
    public void ARuleMatchesItsCategoryAndUrgency(string category, Urgency urgency, GridLevel expected)
    {
        Assert.Equal(expected, Rules.StartFor(category, urgency));
    }

    [Theory]
    [InlineData("hazard", Urgency.Normal)]
    [InlineData("dispute", Urgency.Urgent)]
    [InlineData("water-supply", Urgency.Urgent)]
    [InlineData("water-supply", Urgency.Normal)]
    public void WithoutARuleForBothCategoryAndUrgencyTheCaseStartsAtItsMicroGrid(string category, Urgency urgency)
    {
        Assert.Null(Rules.StartFor(category, urgency));
    }

    [Fact]
    public void TheFirstOfTwoMatchingRulesWins()
    {
        var rules = new RoutingRules(
            [new StartRule("hazard", Urgency.Urgent, GridLevel.Grid), new StartRule("hazard", Urgency.Urgent, GridLevel.District)],
            new Dictionary<string, string>());

        Assert.Equal(GridLevel.Grid, rules.StartFor("hazard", Urgency.Urgent));
    }

    [Fact]
    public void EachCategorySuggestsItsDepartment()
    {
        Assert.Equal("dept-justice", Rules.SuggestDepartment("dispute"));
        Assert.Equal(Urban, Rules.SuggestDepartment("hazard"));
        Assert.Null(Rules.SuggestDepartment("water-supply"));
    }

    [Fact]
    public void NoRulesStartEverythingAtTheMicroGridAndSuggestNothing()
    {
        Assert.Null(RoutingRules.None.StartFor("hazard", Urgency.Urgent));
        Assert.Null(RoutingRules.None.SuggestDepartment("hazard"));
        Assert.Equal("routing", RoutingRules.None.Id);
    }

    [Fact]
    public void AnUrgentHazardRaisedThroughTheRulesStartsAtTheStreet()
    {
        var spec = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(urgency: Urgency.Urgent, startAt: Rules.StartFor("hazard", Urgency.Urgent), category: "hazard"), Ctx(Agent)));
        var raised = spec.Then<AppealRaised>();

        Assert.Equal(new NodeRef(Street, "项里街道", GridLevel.Street), raised.Node);
        Assert.Equal([District, Street], raised.NodePath);
        Assert.Equal(MicroA, raised.MicroGridId);
        Assert.True(spec.ThenRecord.LeftGrid);
    }

    [Fact]
    public void AnOrdinaryHazardRaisedThroughTheRulesStartsAtItsMicroGrid()
    {
        var raised = GivenNoHistory()
            .When(_ => CaseDecider.Decide(Appeal(startAt: Rules.StartFor("hazard", Urgency.Normal), category: "hazard"), Ctx(Agent)))
            .Then<AppealRaised>();

        Assert.Equal(MicroA, raised.Node.Id);
    }
}
