using Cases.Projections.Cases;
using Cases.Domain.Clocks;
using Cases.Domain.Grid;
using static Cases.Domain.Tests.History;
using static Cases.Domain.Tests.World;

namespace Cases.Domain.Tests;

/// <summary>
/// The clocks end to end, with no host: timers go into a queue in FireAt order, each one is decided by
/// <see cref="ClockDecider"/>, its events are folded and the timers they need are planned — as the host does.
/// </summary>
public class TimeoutChainTests
{
    [Fact]
    public void AnAppealNobodyTouchesClimbsToTheDistrictAndIsSupervisedThere()
    {
        var run = new Simulation(CaseDecider.Decide(Appeal(), Ctx(Agent)));

        run.RunUntil(DateTimeOffset.MaxValue);

        // Every timer acted: 5 nodes × 3 acknowledge stages, then the 3 resolve stages. None was stale.
        Assert.Equal(18, run.Fired.Count);
        Assert.Empty(run.Stale);

        Assert.Equal(
            [
                "AppealRaised micro-yafang-4",
                "CaseEscalated micro-yafang-4 -> grid-yafang Timeout 2026-03-04 12:00, acknowledge by 14:00",
                "CaseEscalated grid-yafang -> community-xiangli Timeout 2026-03-04 14:00, acknowledge by 16:00",
                "CaseEscalated community-xiangli -> street-xiangli Timeout 2026-03-04 16:00, acknowledge by 18:00",
                "CaseEscalated street-xiangli -> district-sucheng Timeout 2026-03-04 18:00, acknowledge by 20:00",
                "CaseSupervised district-sucheng 2026-03-04 20:00",
                "CaseSupervised district-sucheng 2026-03-11 10:00",
            ],
            run.History.Where(e => e is not ClockElapsed).Select(Describe));

        // 预警 at every level before each timeout: half and three quarters of the two hours.
        Assert.Equal(
            [
                "Acknowledge Warning50 micro-yafang-4 03-04 11:00", "Acknowledge Warning75 micro-yafang-4 03-04 11:30", "Acknowledge Expired micro-yafang-4 03-04 12:00",
                "Acknowledge Warning50 grid-yafang 03-04 13:00", "Acknowledge Warning75 grid-yafang 03-04 13:30", "Acknowledge Expired grid-yafang 03-04 14:00",
                "Acknowledge Warning50 community-xiangli 03-04 15:00", "Acknowledge Warning75 community-xiangli 03-04 15:30", "Acknowledge Expired community-xiangli 03-04 16:00",
                "Acknowledge Warning50 street-xiangli 03-04 17:00", "Acknowledge Warning75 street-xiangli 03-04 17:30", "Acknowledge Expired street-xiangli 03-04 18:00",
                "Acknowledge Warning50 district-sucheng 03-04 19:00", "Acknowledge Warning75 district-sucheng 03-04 19:30", "Acknowledge Expired district-sucheng 03-04 20:00",
                "Resolve Warning50 district-sucheng 03-07 22:00", "Resolve Warning75 district-sucheng 03-09 16:00", "Resolve Expired district-sucheng 03-11 10:00",
            ],
            run.History.OfType<ClockElapsed>().Select(e => $"{e.Clock} {e.Stage} {e.NodeId} {Local(e.At):MM-dd HH:mm}"));
        Assert.All(run.History.Skip(1), e => Assert.Equal(Actor.System, e.By));

        var (state, stateRead) = (run.State, run.Record);
        Assert.Equal((CaseStatus.Open, District, GridLevel.District), (state.Status, state.CurrentNodeId, state.CurrentLevel));
        Assert.Equal((4, 2), (stateRead.Escalations, stateRead.Supervisions));
        Assert.Equal(18, state.ClockMarks.Count);
        Assert.True(stateRead.LeftGrid);
    }

    [Fact]
    public void AcknowledgingAtTheGridStopsTheClimbAndLeavesItsTimersStale()
    {
        var run = new Simulation(CaseDecider.Decide(Appeal(), Ctx(Agent)));

        run.RunUntil(Cst(3, 4, 13, 15));
        run.Act(s => CaseDecider.Decide(s, new Acknowledge("on it"), Ctx(GridHead, Cst(3, 4, 13, 15))));
        run.RunUntil(Cst(3, 4, 23, 59));

        Assert.Equal((CaseStatus.Acknowledged, GridId, 1), (run.State.Status, run.State.CurrentNodeId, run.Record.Escalations));
        Assert.Equal(
            [(ClockKind.Acknowledge, ClockStage.Warning75, GridId), (ClockKind.Acknowledge, ClockStage.Expired, GridId)],
            run.Stale.Select(t => (t.Clock, t.Stage, t.Key)));
        Assert.Equal(0, run.Record.Supervisions);
    }

    private static DateTimeOffset Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8));

    private static string Describe(ICaseEvent e) => e switch
    {
        AppealRaised r => $"AppealRaised {r.Node.Id}",
        CaseEscalated x => $"CaseEscalated {x.FromNodeId} -> {x.To.Id} {x.Reason} {Local(x.At):yyyy-MM-dd HH:mm}, acknowledge by {Local(x.AcknowledgeBy):HH:mm}",
        CaseSupervised s => $"CaseSupervised {s.NodeId} {Local(s.At):yyyy-MM-dd HH:mm}",
        _ => e.GetType().Name,
    };

    /// <summary>One case and its scheduled timers; time moves only from one timer to the next.</summary>
    private sealed class Simulation
    {
        private readonly PriorityQueue<ClockDue, (DateTimeOffset FireAt, int Order)> _timers = new();
        private int _order;

        public Simulation(Decision raise)
        {
            Assert.False(raise.IsRefused);
            Apply(raise.Events);
        }

        public Case State { get; private set; } = null!;

        /// <summary>What people read of the case after the run.</summary>
        public CaseRecord Record => CaseRecord.FoldAll(History)!;

        public List<ICaseEvent> History { get; } = [];

        public List<ClockDue> Fired { get; } = [];

        public List<ClockDue> Stale { get; } = [];

        /// <summary>Delivers, in FireAt order, every timer due up to <paramref name="until"/>, including those planned on the way.</summary>
        public void RunUntil(DateTimeOffset until)
        {
            while (_timers.TryPeek(out var due, out var when) && when.FireAt <= until)
            {
                _timers.Dequeue();
                var decision = ClockDecider.Decide(State, due, SystemAt(due.FireAt));
                Assert.False(decision.IsRefused);
                (decision.Events.Count == 0 ? Stale : Fired).Add(due);
                Apply(decision.Events);
                Assert.True(_order < 1000, "The clocks keep planning timers: a loop.");
            }
        }

        /// <summary>Someone acts on the case, between two timers.</summary>
        public void Act(Func<Case, Decision> decide)
        {
            var decision = decide(State);
            Assert.False(decision.IsRefused, decision.Refusal?.Reason);
            Apply(decision.Events);
        }

        private void Apply(IReadOnlyList<ICaseEvent> events)
        {
            var before = History.Count == 0 ? null : State;
            var after = events.Aggregate(before, (state, e) => Case.Evolve(state, e))!;
            foreach (var timer in ClockPlanner.Plan(before, after))
            {
                _timers.Enqueue(timer, (timer.FireAt, _order++));
            }

            History.AddRange(events);
            State = after;
        }
    }
}
