using System.Diagnostics.Metrics;

namespace Cases.Api.Delivery;

/// <summary>
/// Webhook delivery as metrics (meter <c>Cases.Delivery</c>): attempts by outcome, the time from dispatch to delivery,
/// and per subscription the pending, delivered and failed counts and the oldest undelivered age. The per-subscription
/// figures come from the database, read at most every few seconds, so every node reports the same numbers.
/// </summary>
public sealed class DeliveryMetrics : IDisposable
{
    public const string MeterName = "Cases.Delivery";

    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly Meter _meter;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _latency;
    private readonly IServiceProvider _services;
    private IReadOnlyList<SubscriptionView> _snapshot = [];
    private DateTimeOffset _snapshotAt = DateTimeOffset.MinValue;

    public DeliveryMetrics(IMeterFactory meters, IServiceProvider services)
    {
        _services = services;
        _meter = meters.Create(MeterName);
        _attempts = _meter.CreateCounter<long>("cases.webhook.attempts", description: "Webhook delivery attempts, by outcome (delivered, retrying, dead-lettered).");
        _latency = _meter.CreateHistogram<double>("cases.webhook.delivery.latency", unit: "s", description: "From the dispatch's commit to the receiver's 2xx.");
        _meter.CreateObservableGauge("cases.webhook.pending", () => Measure(c => c.Pending), description: "Deliveries not yet made, per subscription.");
        _meter.CreateObservableGauge("cases.webhook.delivered", () => Measure(c => c.Delivered), description: "Deliveries made, per subscription.");
        _meter.CreateObservableGauge("cases.webhook.failed", () => Measure(c => c.Failed), description: "Dead letters, per subscription.");
        _meter.CreateObservableGauge("cases.webhook.oldest_pending_age", () => Measure(c => (long)c.OldestPendingSeconds), unit: "s",
            description: "How long the oldest undelivered delivery has waited, per subscription.");
    }

    public void Attempted(ClaimedDelivery delivery, AttemptResult result, bool final, DateTimeOffset now)
    {
        var outcome = result.Delivered ? "delivered" : final ? "dead-lettered" : "retrying";
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (result.Delivered)
        {
            _latency.Record((now - delivery.CreatedAt).TotalSeconds);
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<DeliveryCounts, long> figure)
    {
        if (DateTimeOffset.UtcNow - _snapshotAt > Freshness)
        {
            try
            {
                _snapshot = _services.GetRequiredService<DeliveryQueries>().SubscriptionsAsync(null, null, CancellationToken.None).GetAwaiter().GetResult();
                _snapshotAt = DateTimeOffset.UtcNow;
            }
            catch (Exception)
            {
                // A metrics read never fails the collector; the last figures stand until the database answers.
            }
        }

        return _snapshot.Where(s => s.Active).Select(s => new Measurement<long>(figure(s.Deliveries),
            new KeyValuePair<string, object?>("subscription", s.SubscriptionId), new KeyValuePair<string, object?>("department", s.DepartmentId)));
    }

    public void Dispose() => _meter.Dispose();
}
