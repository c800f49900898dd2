using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Metrics;

namespace Cases.Projections.Tests;

/// <summary>Given a case's events, then the facts the metrics count.</summary>
public class CaseFactsTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 2, 1, 30, 0, TimeSpan.FromHours(8));
    private static readonly Actor Worker = new("w", "gridworker");
    private static readonly Guid CaseId = Guid.Parse("0195a1b2-0000-7000-8000-000000000001");
    private static readonly Guid DispatchId = Guid.Parse("0195a1b2-0000-7000-8000-000000000002");

    private static AppealRaised Raised(GridLevel startLevel = GridLevel.MicroGrid) => new(
        CaseId, "SC-1", Channel.Hotline, "dispute", Urgency.Normal, "t", "d", "m1", new Resident("n", "1", null),
        new NodeRef(startLevel == GridLevel.MicroGrid ? "m1" : "s1", "x", startLevel), ["d", "s1", "c1", "g1", "m1"],
        T0.AddHours(2), T0.AddDays(7), Worker, T0)
    {
        MicroGridPath = ["d", "s1", "c1", "g1", "m1"],
    };

    private static CaseFacts Facts(params object[] events) => events.Aggregate((CaseFacts?)null, CaseFacts.Fold)!;

    [Fact]
    public void A_case_counts_on_the_day_it_was_raised_in_china_and_at_every_node_above_its_micro_grid()
    {
        var facts = Facts(Raised());

        Assert.Equal(new DateOnly(2027, 3, 2), facts.Day); // 2027-03-01 17:30 UTC
        Assert.Equal(["node:d", "node:s1", "node:c1", "node:g1", "node:m1"], MetricsBucket.ScopesOf(facts));
    }

    [Fact]
    public void The_first_acknowledgement_is_the_response_and_its_time_is_measured_from_raising()
    {
        var facts = Facts(Raised(), new CaseAcknowledged("m1", null, Worker, T0.AddMinutes(30)), new CaseAcknowledged("g1", null, Worker, T0.AddHours(5)));

        Assert.True(facts.AcknowledgedOnTime);
        Assert.Equal(1800, facts.AcknowledgeSeconds);
    }

    [Fact]
    public void An_acknowledgement_after_the_deadline_is_late()
    {
        Assert.False(Facts(Raised(), new CaseAcknowledged("m1", null, Worker, T0.AddHours(3))).AcknowledgedOnTime);
    }

    [Fact]
    public void Escalating_to_the_grid_stays_in_the_grid_but_above_it_or_dispatching_does_not()
    {
        var toGrid = new CaseEscalated("m1", new NodeRef("g1", "g", GridLevel.Grid), ["d", "s1", "c1", "g1"], EscalationReason.Manual, null, T0.AddHours(3), Worker, T0.AddMinutes(5));
        var toCommunity = new CaseEscalated("g1", new NodeRef("c1", "c", GridLevel.Community), ["d", "s1", "c1"], EscalationReason.Timeout, null, T0.AddHours(4), Actor.System, T0.AddHours(3));
        var resolved = new CaseResolved("done", "g1", null, T0.AddDays(3), Worker, T0.AddHours(1));

        Assert.True(Facts(Raised(), toGrid, new CaseAcknowledged("g1", null, Worker, T0.AddMinutes(6)), resolved).SettledInGrid);
        var escalatedTwice = Facts(Raised(), toGrid, toCommunity, new CaseAcknowledged("c1", null, Worker, T0.AddHours(3.5)), resolved);
        Assert.False(escalatedTwice.SettledInGrid);
        Assert.Equal((1, 1), (escalatedTwice.EscalatedManual, escalatedTwice.EscalatedTimeout));
        var dispatched = Facts(Raised(), toGrid, new CaseAcknowledged("g1", null, Worker, T0.AddMinutes(6)),
            new CaseDispatched(DispatchId, "water", "g1", null, T0.AddHours(2), Worker, T0.AddMinutes(7)), resolved);
        Assert.False(dispatched.SettledInGrid);
        Assert.Equal(["water"], dispatched.Departments);
    }

    [Fact]
    public void A_rework_does_not_count_as_a_second_resolution()
    {
        var firstResolution = new CaseResolved("done", "m1", null, T0.AddDays(3), Worker, T0.AddHours(2));
        var facts = Facts(
            Raised(), new CaseAcknowledged("m1", null, Worker, T0.AddMinutes(5)), firstResolution,
            new FeedbackReceived(false, 2, null, Worker, T0.AddHours(3)), new CaseReopened("m1", null, 1, T0.AddDays(8), Worker, T0.AddHours(3)),
            new CaseResolved("again", "m1", null, T0.AddDays(9), Worker, T0.AddHours(6)),
            new FeedbackReceived(true, 5, null, Worker, T0.AddHours(7)), new CaseClosed(CloseReason.Satisfied, null, Worker, T0.AddHours(7)));

        Assert.True(facts.Resolved && facts.Reopened && facts.Closed);
        Assert.Equal(7200, facts.ResolveSeconds);
        Assert.Equal((2, 1), (facts.Feedback, facts.Satisfied));
        Assert.Equal(7 * 3600, facts.CloseSeconds);
    }

    [Fact]
    public void A_second_raise_of_one_case_is_a_poison_event()
    {
        Assert.Throws<InvalidOperationException>(() => Facts(Raised(), Raised()));
    }

    [Fact]
    public void Removing_a_cases_contribution_leaves_an_empty_bucket()
    {
        var facts = Facts(Raised(), new CaseAcknowledged("m1", null, Worker, T0.AddMinutes(30)));
        var bucket = new MetricsBucket();

        bucket.Apply(facts, +1);
        Assert.Equal((1, 1, 1800_000L), (bucket.Counts.Raised, bucket.Counts.AcknowledgedOnTime, bucket.Counts.AcknowledgeMillis));
        bucket.Apply(facts, -1);

        Assert.True(bucket.IsEmpty);
        Assert.Empty(bucket.Acknowledge);
        Assert.Equal(0, bucket.Counts.AcknowledgeMillis);
    }
}
