using Npgsql;

namespace Cases.Api.Audit.Chain;

/// <summary>
/// Links the events of a store older than its chain (once); then, every <see cref="CasesOptions.ChainSealInterval"/>, folds the
/// links appended since into the store-wide chain, and every <see cref="CasesOptions.ChainHeadInterval"/> writes its head to
/// the log: log shipping carries it out of the database, where a tamperer who rewrites the whole table and chain cannot follow.
/// Every node seals; the seal's lock lets one at a time extend the chain.
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
        if (options.ChainSealInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ChainSealInterval);
        long published = -1;
        var publishedAt = DateTimeOffset.MinValue;
        do
        {
            try
            {
                if (options.ChainHeadInterval <= TimeSpan.Zero || DateTimeOffset.UtcNow - publishedAt < options.ChainHeadInterval)
                {
                    await verifier.SealAsync(stoppingToken);
                }
                else
                {
                    // Reading the head seals first, so this tick's seal is that one.
                    var head = await verifier.HeadAsync(stoppingToken);
                    publishedAt = DateTimeOffset.UtcNow;
                    if (head.Position != published)
                    {
                        Published(logger, head.Position, head.Sequence, head.Hash, head.LinkedAt);
                        published = head.Position;
                    }
                }
            }
            catch (NpgsqlException e)
            {
                Unreachable(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Event chain head: position {Position}, sequence {Sequence}, hash {Hash}, sealed at {LinkedAt}")]
    private static partial void Published(ILogger logger, long position, long sequence, string hash, DateTimeOffset? linkedAt);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Could not seal or read the event chain")]
    private static partial void Unreachable(ILogger logger, Exception error);
}
