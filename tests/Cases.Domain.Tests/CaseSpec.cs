using Cases.Domain.Clocks;
using Cases.Projections.Cases;

namespace Cases.Domain.Tests;

/// <summary>
/// Given events, when a command, then events or a refusal. The history is folded with the domain's own
/// <see cref="Case.Evolve"/>, the same fold the projections use.
/// </summary>
public sealed class CaseSpec
{
    private readonly Case? _state;
    private readonly ICaseEvent[] _history;
    private Decision? _decision;

    private CaseSpec(Case? state, ICaseEvent[] history)
    {
        _state = state;
        _history = history;
    }

    public static CaseSpec Given(params ICaseEvent[] history) => new(Fold(history), history);

    public static CaseSpec GivenNoHistory() => new(null, []);

    public static Case? Fold(params ICaseEvent[] history) =>
        history.Aggregate((Case?)null, (state, e) => Case.Evolve(state, e));

    /// <summary>The state the history folds to.</summary>
    public Case State => _state ?? throw new InvalidOperationException("There is no history.");

    /// <summary>The decision state and the read model, for a test that asserts on both.</summary>
    public (Case State, CaseRecord Record) Both => (State, Record);

    /// <summary>After the decision: the decision state and the read model.</summary>
    public (Case State, CaseRecord Record) ThenBoth => (ThenState, ThenRecord);

    /// <summary>The read model the history folds to: what people see of the case.</summary>
    public CaseRecord Record => CaseRecord.FoldAll(_history) ?? throw new InvalidOperationException("There is no history.");

    public CaseSpec When(Func<Case, Decision> decide)
    {
        _decision = decide(_state ?? new Case());
        return this;
    }

    /// <summary>The timer <paramref name="due"/> is delivered, at its FireAt unless told otherwise, and the clock decides.</summary>
    public CaseSpec WhenFired(ClockDue due, DateTimeOffset? at = null) =>
        When(s => ClockDecider.Decide(s, due, World.SystemAt(at ?? due.FireAt)));

    private Decision Decided => _decision ?? throw new InvalidOperationException("Call When first.");

    /// <summary>Asserts the decision produced exactly these event types, in this order, and returns them.</summary>
    public IReadOnlyList<ICaseEvent> ThenEvents(params Type[] expected)
    {
        Assert.Null(Decided.Refusal);
        Assert.Equal(expected, Decided.Events.Select(e => e.GetType()));
        return Decided.Events;
    }

    /// <summary>Asserts the decision produced exactly one event, of type <typeparamref name="T"/>, and returns it.</summary>
    public T Then<T>()
        where T : ICaseEvent
    {
        Assert.Null(Decided.Refusal);
        var only = Assert.Single(Decided.Events);
        return Assert.IsType<T>(only);
    }

    /// <summary>Asserts the decision was accepted and produced no events: a stale or repeated timer.</summary>
    public void ThenNothing()
    {
        Assert.Null(Decided.Refusal);
        Assert.Empty(Decided.Events);
    }

    /// <summary>Asserts the command was refused with <paramref name="kind"/> and produced nothing.</summary>
    public Refusal ThenRefused(RefusalKind kind)
    {
        Assert.True(Decided.IsRefused, "Expected a refusal, got " + string.Join(", ", Decided.Events.Select(e => e.GetType().Name)));
        Assert.Empty(Decided.Events);
        var refusal = Decided.Refusal!;
        Assert.Equal(kind, refusal.Kind);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Reason));
        return refusal;
    }

    /// <summary>The read model after the decided events are folded onto the history.</summary>
    public CaseRecord ThenRecord
    {
        get
        {
            Assert.False(Decided.IsRefused, "A refused command has no resulting state: " + Decided.Refusal?.Reason);
            return CaseRecord.FoldAll([.. _history, .. Decided.Events])!;
        }
    }

    /// <summary>The state after the decided events are folded onto the history.</summary>
    public Case ThenState
    {
        get
        {
            Assert.False(Decided.IsRefused, "A refused command has no resulting state: " + Decided.Refusal?.Reason);
            return Decided.Events.Aggregate(_state, (state, e) => Case.Evolve(state, e))!;
        }
    }
}
