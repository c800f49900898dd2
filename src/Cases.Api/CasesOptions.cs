namespace Cases.Api;

/// <summary>The service's own settings, from the "Cases" configuration section.</summary>
public sealed class CasesOptions
{
    /// <summary>Seed the Sucheng demo data and enable the demo-only endpoints.</summary>
    public bool Demo { get; set; }

    /// <summary>Seed the whole district (2,281 micro-grids) instead of the small demo tree.</summary>
    public bool FullDistrict { get; set; }

    /// <summary>Run the async projection daemon (metrics, dispatch feed) in this process; one node leads at a time.</summary>
    public bool AsyncDaemon { get; set; } = true;

    /// <summary>Schedule SLA clocks. Off only to replay a scripted history or a bulk load without timers.</summary>
    public bool Clocks { get; set; } = true;

    /// <summary>
    /// A working-day calendar file that replaces the shipped one (same format as src/Cases.Domain/Sla/china-calendar.json).
    /// </summary>
    public string? CalendarFile { get; set; }

    /// <summary>How often the event chain's head is written to the log (an anchor outside the database); zero turns it off.</summary>
    public TimeSpan ChainHeadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many due timers one poll of Wolverine's scheduled messages takes (<c>Durability.RecoveryBatchSize</c>). Polls come every
    /// half second, so this caps how many clock stages fire per second: Wolverine's default of 100 drains a burst of 20,000 due
    /// timers in 100 s.
    /// </summary>
    public int ClockBatchSize { get; set; } = 1000;

    /// <summary>How many fired timers are handled at once. Each is a short database transaction on one case.</summary>
    public int ClockParallelism { get; set; } = 16;

    /// <summary>How often the links appended since are folded into the store-wide chain (0 turns the background seal off).</summary>
    public TimeSpan ChainSealInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping node keeps serving after its readiness probe turns 503, so a load balancer can take it out of
    /// rotation first; zero stops at once (tests, a single node).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The schema for Marten's tables.</summary>
    public string Schema { get; set; } = "cases";
}
