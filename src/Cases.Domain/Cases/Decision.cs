namespace Cases.Domain;

public enum RefusalKind
{
    /// <summary>The case's state does not allow the command (409).</summary>
    Conflict,
    /// <summary>Something the command names does not exist (404).</summary>
    NotFound,
    /// <summary>The command itself is not acceptable (400).</summary>
    Invalid,
}

/// <summary>Why a command was refused. <paramref name="Field"/> names the offending input where there is one.</summary>
public sealed record Refusal(RefusalKind Kind, string Reason, string? Field = null);

/// <summary>What a decision produced: events to append, or a refusal. Never both.</summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<ICaseEvent> events, Refusal? refusal)
    {
        Events = events;
        Refusal = refusal;
    }

    public IReadOnlyList<ICaseEvent> Events { get; }

    public Refusal? Refusal { get; }

    public bool IsRefused => Refusal is not null;

    public static Decision Accept(params ICaseEvent[] events) => new(events, null);

    public static Decision Conflict(string reason) => new([], new Refusal(RefusalKind.Conflict, reason));

    public static Decision NotFound(string reason) => new([], new Refusal(RefusalKind.NotFound, reason));

    public static Decision Invalid(string field, string reason) => new([], new Refusal(RefusalKind.Invalid, reason, field));

    public static implicit operator Decision(Refusal refusal) => new([], refusal);
}
