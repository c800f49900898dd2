using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Metrics;

namespace Cases.Projections.Tests;

/// <summary>
/// The metrics' backlog facts restate the domain's overdue rule: after every event of each history, whether the case
/// is open and from when it is overdue must equal what <see cref="Case.Evolve"/> and <see cref="Case.OverdueFrom"/> say.
/// </summary>
public class BacklogFactsTests
{
    private static readonly DateTimeOffset T0 = new(2027, 3, 2, 1, 30, 0, TimeSpan.FromHours(8));
    private static readonly Actor Worker = new("w", "gridworker");
    private static readonly Guid CaseId = Guid.Parse("0195a1b2-0000-7000-8000-000000000001");
    private static readonly Guid Water = Guid.Parse("0195a1b2-0000-7000-8000-000000000002");
    private static readonly Guid Urban = Guid.Parse("0195a1b2-0000-7000-8000-000000000003");

    private static readonly AppealRaised Raised = new(
        CaseId, "SC-1", Channel.Hotline, "dispute", Urgency.Normal, "t", "d", "m1", new Resident("n", "1", null),
        new NodeRef("m1", "x", GridLevel.MicroGrid), ["d", "s1", "c1", "g1", "m1"], T0.AddHours(2), T0.AddDays(7), Worker, T0)
    {
        MicroGridPath = ["d", "s1", "c1", "g1", "m1"],
    };

    private static object At(int minutes, Func<DateTimeOffset, object> e) => e(T0.AddMinutes(minutes));

    public static TheoryData<string, object[]> Histories => new()
    {
        { "acknowledged, then resolved and closed", [
            Raised, At(10, t => new CaseAcknowledged("m1", null, Worker, t)), At(20, t => new CaseResolved("r", "m1", null, t.AddDays(3), Worker, t)),
            At(30, t => new FeedbackReceived(true, 5, null, Worker, t)), At(31, t => new CaseClosed(CloseReason.Satisfied, null, Worker, t))] },
        { "escalated while a dispatch is outstanding, then both dispatches returned", [
            Raised, At(10, t => new CaseAcknowledged("m1", null, Worker, t)),
            At(20, t => new CaseDispatched(Water, "water", "m1", null, t.AddHours(2), Worker, t)),
            At(25, t => new CaseDispatched(Urban, "urban", "m1", null, t.AddHours(2), Worker, t)),
            At(30, t => new CaseEscalated("m1", new NodeRef("g1", "g", GridLevel.Grid), ["d", "s1", "c1", "g1"], EscalationReason.Overdue, null, t.AddHours(1), Actor.System, t)),
            At(40, t => new DispatchReturned(Water, "water", "no", "g1", Worker, t)),
            At(50, t => new DispatchReturned(Urban, "urban", "no", "g1", Worker, t))] },
        { "reopened back to its department, paused, resumed and extended", [
            Raised, At(10, t => new CaseAcknowledged("m1", null, Worker, t)),
            At(20, t => new CaseDispatched(Water, "water", "m1", null, t.AddHours(2), Worker, t)),
            At(30, t => new DispatchAccepted(Water, "water", Worker, t)),
            At(40, t => new CaseResolved("r", "m1", "water", t.AddDays(3), Worker, t)),
            At(50, t => new FeedbackReceived(false, 1, null, Worker, t)),
            At(50, t => new CaseReopened("m1", "water", 1, t.AddDays(2), Worker, t)),
            At(60, t => new CasePaused("waiting", Worker, t)),
            At(600, t => new CaseResumed(TimeSpan.FromMinutes(540), Worker, t)),
            At(700, t => new ExtensionDecided(true, 3, t.AddDays(5), Worker, t)),
            At(710, t => new DispatchReturned(Water, "water", "done with it", "m1", Worker, t)),
            At(720, t => new CaseResolved("r", "m1", null, t.AddDays(3), Worker, t)),
            At(730, t => new CaseReopened("m1", null, 2, t.AddDays(1), Worker, t))] },
        { "paused, then withdrawn", [
            Raised, At(5, t => new CasePaused("away", Worker, t)), At(9, t => new CaseWithdrawn("settled", Worker, t))] },
        { "dispatched, then merged", [
            Raised, At(10, t => new CaseAcknowledged("m1", null, Worker, t)),
            At(20, t => new CaseDispatched(Water, "water", "m1", null, t.AddHours(2), Worker, t)),
            At(30, t => new CaseMerged(Guid.NewGuid(), Worker, t))] },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Open_and_overdue_from_equal_the_domain_after_every_event(string history, object[] events)
    {
        Case? state = null;
        CaseFacts? facts = null;
        var step = 0;
        foreach (var e in events)
        {
            state = Case.Evolve(state, e);
            facts = CaseFacts.Fold(facts, e);
            step++;
            Assert.True(facts is not null, $"{history}: no facts after event {step}");
            Assert.True(state.Status.IsActive() == facts.Active, $"{history}: active after event {step} ({e.GetType().Name})");
            Assert.True(state.OverdueFrom() == facts.OverdueFrom, $"{history}: overdue from after event {step} ({e.GetType().Name}): {state.OverdueFrom()} vs {facts.OverdueFrom}");
        }
    }

    [Fact]
    public void A_bucket_counts_the_open_case_on_its_due_day_and_lets_go_of_it_when_it_closes()
    {
        var open = CaseFacts.Fold(null, Raised)!;
        var closed = CaseFacts.Fold(open, new CaseWithdrawn("settled", Worker, T0.AddMinutes(5)))!;
        var bucket = new MetricsBucket();

        bucket.Apply(open, +1);
        Assert.Equal(1, bucket.Counts.Open);
        Assert.Equal(1, bucket.Due[MetricsBucket.DueDay(T0.AddHours(2))]);

        bucket.Apply(open, -1);
        bucket.Apply(closed, +1);
        Assert.Equal(0, bucket.Counts.Open);
        Assert.Empty(bucket.Due);
        Assert.Equal(MetricsBucket.DueDay(T0.AddHours(2)), MetricsBucket.DueDay(MetricsBucket.DueDayStart(MetricsBucket.DueDay(T0.AddHours(2)))));
    }
}
