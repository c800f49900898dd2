using JasperFx;
using JasperFx.Events.Daemon;
using Wolverine;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace Cases.Api.Infrastructure.Health;

/// <summary>
/// Restarts a projection agent on this node that Wolverine has given up on. Wolverine restarts an agent that stopped on a
/// failure it classes as transient, and leaves one alone otherwise, waiting for an operator. A PostgreSQL restart can
/// end an agent's event load with a cancelled task, which is classed as not transient, and the projection then stayed
/// behind for good (a short chaos run timed out after three minutes waiting for it to catch up). So, every
/// <see cref="Interval"/>, an event-subscription agent here that is not running and reports a failure is stopped and started
/// again, at most once per <see cref="Backoff"/>: a projection that is truly broken (a missing column, a poison event the
/// daemon cannot skip) fails again at once and is logged each time, which is what an operator should see anyway.
/// </summary>
public sealed class ProjectionAgentWatchdog(IWolverineRuntime runtime, ILogger<ProjectionAgentWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(30);

    private readonly Dictionary<Uri, DateTimeOffset> _lastRestart = [];
    private readonly HashSet<Uri> _seen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The projection agent watchdog could not look at this node's agents; it tries again in {Interval}", Interval);
            }
        }
    }

    private async Task SweepAsync()
    {
        if (runtime.Options.Durability.Mode != DurabilityMode.Balanced)
        {
            return;
        }

        foreach (var uri in runtime.Agents.AllRunningAgentUris().Where(u => u.Scheme == "event-subscriptions"))
        {
            _seen.Add(uri);
        }

        foreach (var uri in _seen.ToArray())
        {
            if (!runtime.Agents.TryFindActiveAgent<IEventSubscriptionAgent>(uri, out var agent))
            {
                // Moved to another node, or stopped cleanly: not ours to mind any more.
                _seen.Remove(uri);
                continue;
            }

            // Wolverine restarts transient failures itself; two processes on one shard (out of order) must not get a third.
            if (agent.Status == AgentStatus.Running || agent.IsRebuilding || agent.Failure is not { } failure
                || failure.IsTransient || failure.Category == ShardFailureCategory.ProgressionOutOfOrder)
            {
                continue;
            }

            var now = DateTimeOffset.UtcNow;
            if (_lastRestart.TryGetValue(uri, out var last) && now - last < Backoff)
            {
                continue;
            }

            _lastRestart[uri] = now;
            logger.LogWarning("Restarting projection agent {Agent}: it is {Status} on a failure Wolverine will not retry ({Category}, {Exception}: {Message})",
                uri, agent.Status, failure.Category, failure.RootExceptionType ?? failure.ExceptionType, failure.Message);
            await runtime.Agents.StopLocallyAsync(uri);
            await runtime.Agents.StartLocallyAsync(uri);
        }
    }
}
