namespace Cases.Api.Reference;

/// <summary>
/// Loads the reference data while the host starts, so that the first appeal does not wait for it; then asks
/// the database for the reference-data version every <see cref="Interval"/> and reloads when another node
/// moved it. Polling one indexed row is cheaper than it sounds, and, unlike LISTEN/NOTIFY, it needs no
/// dedicated connection and cannot miss a notification across a reconnect.
/// </summary>
public sealed class ReferenceDataPolling(ReferenceData referenceData, ILogger<ReferenceDataPolling> logger) : IHostedService
{
    /// <summary>Every node sees a change within this interval plus one reload.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    // Never disposed: it has no timer to release, and the host may dispose services before stopping them.
    private readonly CancellationTokenSource _stopping = new();
    private Task _polling = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await referenceData.GetAsync(cancellationToken);
        _polling = PollAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _polling.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Interval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    var stored = await referenceData.StoredVersionAsync(stopping);
                    var held = (await referenceData.GetAsync(stopping)).Version;
                    if (stored > held)
                    {
                        logger.LogInformation("Reference data moved from version {Held} to {Stored}; reloading", held, stored);
                        await referenceData.ReloadAsync(stored, stopping);
                    }

                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // Keep serving the snapshot we have; log the first failure of a run, not one every tick.
                    if (!failing)
                    {
                        logger.LogWarning(e, "Could not check the reference-data version; serving the snapshot held, and retrying");
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
