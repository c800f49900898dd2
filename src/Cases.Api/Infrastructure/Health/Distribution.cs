using Wolverine;

namespace Cases.Api.Infrastructure.Health;

/// <summary>
/// How the nodes share the work that must run on exactly one of them: Marten's async projections (one agent per
/// projection and database), the scheduled clocks and the durable inbox and outbox recovery. Wolverine elects a leader
/// among the live nodes (an advisory lock in PostgreSQL), and the leader assigns the agents evenly. A node that stops
/// cleanly releases its agents as it goes; one that dies stops sending heartbeats, and after
/// <see cref="DurabilitySettings.StaleNodeTimeout"/> the leader ejects it and hands its agents, and its inbox and outbox
/// rows, to the others. Wolverine's default timings stay: a 10-second stale timeout ejected nodes that were only busy
/// starting up on two loaded cores, and they shut down.
/// </summary>
public static class Distribution
{
    public static void Configure(DurabilitySettings durability)
    {
        durability.Mode = DurabilityMode.Balanced;
    }
}
