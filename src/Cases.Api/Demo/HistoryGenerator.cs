using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Sla;
using Marten;

namespace Cases.Api.Demo;

/// <summary>
/// Generates realistic case histories through the real decisions and appends them straight to the event store:
/// for the metrics tests, the rebuild benchmark and big demos. About 90% of cases are acknowledged, 30% of those
/// escalated and dispatched (15% of dispatches returned), 80% resolved, 75% of feedback satisfied, and the rest
/// left open or withdrawn. Deterministic for a given seed.
/// </summary>
public static class HistoryGenerator
{
    private static readonly string[] Categories = ["dispute", "hazard", "service", "information"];
    private static readonly string[] DepartmentIds = ["water", "urban", "police", "housing", "civil"];

    /// <param name="progress">Cases appended so far.</param>
    public static async Task<IReadOnlyList<Guid>> AppendAsync(
        IDocumentStore store, GridTree tree, int cases, DateTimeOffset start, TimeSpan spread, int seed = 20270401,
        IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var microGrids = tree.Nodes.Where(n => n.Level == GridLevel.MicroGrid).Select(n => n.Id).ToArray();
        var policy = new SlaPolicy(WorkingCalendar.China2026);
        var ids = new List<Guid>(cases);
        const int batchSize = 1000;
        var step = spread / Math.Max(1, cases);

        // Case numbers are unique: a second run on the same store (the benchmark's growth run tops the store up) numbers
        // its cases after those already generated.
        int first;
        await using (var query = store.QuerySession())
        {
            first = await query.Query<global::Cases.Projections.Cases.CaseRecord>().CountAsync(r => r.CaseNumber.StartsWith("GEN-"), ct);
        }

        // One batch is written while the next is decided: the decisions (this process) and the inserts (the database)
        // overlap, one transaction in flight at a time, so the events keep their order.
        (IDocumentSession Session, Task Saving, int Done)? inFlight = null;
        try
        {
            for (var done = 0; done < cases; done += batchSize)
            {
                var session = store.LightweightSession();
                for (var n = done; n < Math.Min(cases, done + batchSize); n++)
                {
                    var at = start + (step * n) + TimeSpan.FromSeconds(random.Next(0, 60));
                    var (id, events) = OneCase(random, tree, policy, microGrids, n, first + n, at);
                    session.Events.StartStream<global::Cases.Projections.Cases.CaseRecord>(id, events);
                    ids.Add(id);
                }

                await FinishAsync(inFlight);
                inFlight = (session, session.SaveChangesAsync(ct), Math.Min(cases, done + batchSize));
            }

            await FinishAsync(inFlight);
            inFlight = null;
        }
        finally
        {
            if (inFlight is { } left)
            {
                await left.Session.DisposeAsync();
            }
        }

        async Task FinishAsync((IDocumentSession Session, Task Saving, int Done)? batch)
        {
            if (batch is { } b)
            {
                try
                {
                    await b.Saving;
                }
                finally
                {
                    await b.Session.DisposeAsync();
                    inFlight = null;
                }

                progress?.Report(b.Done);
            }
        }

        return ids;
    }

    private static (Guid Id, List<ICaseEvent> Events) OneCase(Random random, GridTree tree, SlaPolicy policy, string[] microGrids, int n, int number, DateTimeOffset at)
    {
        var id = Guid.CreateVersion7(at);
        var events = new List<ICaseEvent>();
        Case? state = null;
        void Apply(Decision decision)
        {
            foreach (var e in decision.Events)
            {
                events.Add(e);
                state = Case.Evolve(state, e);
            }
        }

        DecisionContext Context(Actor actor, int afterMinutes)
        {
            at = at.AddMinutes(afterMinutes);
            return new DecisionContext(actor, at, tree, policy, CategoryLimits.Default);
        }

        var agent = new Actor("agent", "agent");
        var worker = new Actor("worker", "gridworker");
        Apply(CaseDecider.Decide(
            new RaiseAppeal(id, $"GEN-{number:D7}", Channel.Hotline, Categories[n % Categories.Length], n % 10 == 0 ? Urgency.Urgent : Urgency.Normal,
                "Generated appeal", "A generated appeal for the metrics and the benchmark.", microGrids[random.Next(microGrids.Length)],
                new Resident("测试", "13000000000", null)),
            Context(agent, 0)));

        if (random.NextDouble() < 0.9)
        {
            Apply(CaseDecider.Decide(state!, new Acknowledge(null), Context(worker, random.Next(1, 240))));
            if (random.NextDouble() < 0.3)
            {
                Apply(CaseDecider.Decide(state!, new Escalate("Needs the grid."), Context(worker, random.Next(1, 60))));
                Apply(CaseDecider.Decide(state!, new Acknowledge(null), Context(worker, random.Next(1, 60))));
                var department = DepartmentIds[random.Next(DepartmentIds.Length)];
                Apply(CaseDecider.Decide(state!, new DispatchToDepartment(Guid.NewGuid(), department, null), Context(worker, random.Next(1, 60))));
                var dispatch = state!.Dispatches[^1].DispatchId;
                var clerk = new Actor(department, "department", DepartmentId: department);
                Apply(random.NextDouble() < 0.15
                    ? CaseDecider.Decide(state!, new ReturnDispatch(dispatch, "Not ours."), Context(clerk, random.Next(1, 120)))
                    : CaseDecider.Decide(state!, new AcceptDispatch(dispatch), Context(clerk, random.Next(1, 180))));
            }

            if (random.NextDouble() < 0.8 && state!.Status is CaseStatus.Acknowledged or CaseStatus.Dispatched)
            {
                Apply(CaseDecider.Decide(state!, new Resolve("Done."), Context(worker, random.Next(30, 6000))));
                var satisfied = random.NextDouble() < 0.75;
                Apply(CaseDecider.Decide(state!, new GiveFeedback(satisfied, satisfied ? 5 : 2, null), Context(agent, random.Next(10, 2000))));
            }
        }
        else if (random.NextDouble() < 0.5)
        {
            Apply(CaseDecider.Decide(state!, new Withdraw("Settled."), Context(agent, random.Next(5, 300))));
        }

        return (id, events);
    }
}
