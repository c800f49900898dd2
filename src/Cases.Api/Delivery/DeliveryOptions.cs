namespace Cases.Api.Delivery;

/// <summary>How dispatches are pushed to departments, from "Cases:Delivery".</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Cases:Delivery";

    /// <summary>How long a failing delivery is retried before it becomes a dead letter.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The first retry's delay; each later one doubles it, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failures of one subscriber that open its circuit.</summary>
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>How long an open circuit rests before one trial delivery is let through.</summary>
    public TimeSpan BreakFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sender looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Deliveries to one subscriber in flight at once (for different cases; one case's go one at a time).</summary>
    public int ParallelPerSubscriber { get; set; } = 8;

    /// <summary>
    /// Callbacks on private, loopback and link-local addresses. Off by default outside demo mode (a request forgery
    /// guard); on in demo mode so that an integrator can try a receiver on the same machine.
    /// </summary>
    public bool? AllowPrivateAddresses { get; set; }

    /// <summary>Send webhooks at all on this node (every node sends by default; they share the work through the database).</summary>
    public bool Enabled { get; set; } = true;
}
