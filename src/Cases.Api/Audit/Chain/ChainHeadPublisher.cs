using Npgsql;

namespace Cases.Api.Audit.Chain;

/// <summary>
/// Links the events of a store older than its chain (once), then writes the chain head to the log every
/// <see cref="CasesOptions.ChainHeadInterval"/>: log shipping carries it out of the database, where a tamperer who
/// rewrites the whole table and chain cannot follow.
/// </summary>
public sealed partial class ChainHeadPublisher(NpgsqlDataSource dataSource, ChainVerifier verifier, CasesOptions options, ILogger<ChainHeadPublisher> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await EventChainSchema.LinkEventsOlderThanTheChainAsync(dataSource, options.Schema, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ChainHeadInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ChainHeadInterval);
        long published = -1;
        do
        {
            try
            {
                var head = await verifier.HeadAsync(stoppingToken);
                if (head.Position != published)
                {
                    Published(logger, head.Position, head.Sequence, head.Hash, head.LinkedAt);
                    published = head.Position;
                }
            }
            catch (NpgsqlException e)
            {
                Unreachable(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Event chain head: position {Position}, sequence {Sequence}, hash {Hash}, linked at {LinkedAt}")]
    private static partial void Published(ILogger logger, long position, long sequence, string hash, DateTimeOffset? linkedAt);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Could not read the event chain head")]
    private static partial void Unreachable(ILogger logger, Exception error);
}
