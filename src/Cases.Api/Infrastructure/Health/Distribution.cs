using Wolverine;

namespace Cases.Api.Infrastructure.Health;

/// <summary>
/// How the nodes share the work that must run on exactly one of them: Marten's async projections (one agent per
/// projection and database), the scheduled clocks and the durable inbox and outbox recovery. Wolverine elects a leader
/// among the live nodes (an advisory lock in PostgreSQL), and the leader assigns the agents evenly. A node that stops
/// cleanly releases its agents as it goes.
/// <para>
/// A node that dies stops writing heartbeats. Every node checks the others' heartbeats every
/// <see cref="DurabilitySettings.HealthCheckPollingTime"/>; one whose last heartbeat is older than
/// <see cref="DurabilitySettings.StaleNodeTimeout"/> loses its agents at the first sighting, and after
/// <see cref="DurabilitySettings.StaleNodeEjectionThreshold"/> sightings in a row its row is deleted and the messages it had
/// claimed (clocks it took off the schedule but had not handled) go back to every node. Wolverine's defaults (10 s checks,
/// a minute's timeout, 2 sightings) left a killed node's claimed clocks waiting 85 to 105 s. These settings bring that to
/// about 25 to 30 s and still give a node about 26 s of grace before its first heartbeat while it starts on two loaded cores.
/// A live node ejected by mistake re-registers at its next heartbeat; what it had claimed may then be handled twice, which
/// the clock handler tolerates (a stage already recorded does not fire again).
/// </para>
/// <para>
/// A message a live node has claimed but no longer holds would wait for that node's death: only a dead node's claims are
/// released. Wolverine claims a due clock (marks its row owned by the node) and then queues it in memory; a failure
/// between the two, around a database restart, can leave the row claimed and nothing running it. With
/// <see cref="DurabilitySettings.InboxStaleTime"/> set, every node restarts the clock of the rows it does hold
/// three times per <see cref="InboxStaleTime"/>, and the durability pass releases any claimed row older than that, so an
/// orphaned clock runs within about half a minute, and a clock that is only slow is left where it is.
/// </para>
/// </summary>
public static class Distribution
{
    /// <summary>How long a claimed but unheld message waits before it is released to every node.</summary>
    public static readonly TimeSpan InboxStaleTime = TimeSpan.FromSeconds(30);

    public static void Configure(DurabilitySettings durability)
    {
        durability.Mode = DurabilityMode.Balanced;
        durability.HealthCheckPollingTime = TimeSpan.FromSeconds(3);
        durability.FirstHealthCheckExecution = TimeSpan.FromSeconds(1);
        durability.StaleNodeTimeout = TimeSpan.FromSeconds(20);
        durability.StaleNodeEjectionThreshold = 3;
        durability.InboxStaleTime = InboxStaleTime;
    }
}
