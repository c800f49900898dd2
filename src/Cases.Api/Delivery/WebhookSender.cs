using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cases.Api.Dispatch;

namespace Cases.Api.Delivery;

/// <summary>
/// Pushes pending deliveries to their subscribers. Every node runs one; they share the work through leases in the
/// database. Each subscriber's batch runs on its own, so a slow or dead endpoint holds up only itself, and its
/// circuit opens after a run of failures so that it is not hammered while it is down.
/// </summary>
public sealed class WebhookSender(
    WebhookStore store, WebhookSignal signal, DeliveryOptions options, CallbackGuard guard, DeliveryMetrics metrics,
    TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<Guid, Task> _busy = new();
    private readonly HttpClient _http = guard.CreateClient(options.RequestTimeout);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await store.ClaimAsync(_busy.Keys.ToArray(), options.ParallelPerSubscriber * 4, options.BreakAfterFailures, Lease, 500, stoppingToken);
                foreach (var batch in claimed.GroupBy(d => d.SubscriptionId))
                {
                    var work = batch.ToList();
                    _busy[batch.Key] = Task.Run(() => SendBatchAsync(batch.Key, work, stoppingToken), CancellationToken.None);
                }

                if (claimed.Count == 0)
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database may be restarting: keep the loop alive and try again shortly.
                logger.LogWarning(e, "Webhook sender could not claim deliveries; retrying");
                await Task.Delay(options.PollInterval, CancellationToken.None);
            }
        }

        await Task.WhenAll(_busy.Values);
    }

    private async Task SendBatchAsync(Guid subscriptionId, List<ClaimedDelivery> work, CancellationToken stoppingToken)
    {
        try
        {
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = options.ParallelPerSubscriber, CancellationToken = stoppingToken },
                async (delivery, ct) => await SendAsync(delivery, ct));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever was not sent goes back to the pool for the next node or start.
            await store.ReleaseAsync(work.Select(d => d.Id));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Webhook batch for subscription {SubscriptionId} failed; its leases run out and it is retried", subscriptionId);
        }
        finally
        {
            _busy.TryRemove(subscriptionId, out _);
            signal.Wake();
        }
    }

    private async Task SendAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        var body = delivery.Body ?? Body(delivery);
        var started = Stopwatch.GetTimestamp();
        AttemptResult result;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.CallbackUrl)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookHeaders.Delivery, delivery.Id.ToString());
            request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(body, delivery.Secret));
            request.Headers.Add(WebhookHeaders.Attempt, (delivery.Attempts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookHeaders.Subscription, delivery.SubscriptionId.ToString());
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Cases-Webhooks", "1"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var ok = response.IsSuccessStatusCode;
            result = new AttemptResult(ok, (int)response.StatusCode, ok ? null : $"The receiver answered {(int)response.StatusCode}.", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            result = new AttemptResult(false, null, e is TaskCanceledException ? $"No answer within {options.RequestTimeout.TotalSeconds:0} s." : Root(e).Message, Stopwatch.GetElapsedTime(started));
        }

        var now = clock.GetUtcNow();
        var retryIn = result.Delivered || now >= delivery.RetryUntil ? (TimeSpan?)null : Backoff.Next(delivery.Attempts + 1, options.FirstRetryDelay, options.MaxRetryDelay);
        if (retryIn is { } wait && now + wait > delivery.RetryUntil)
        {
            // The last retry falls on the end of the window, not past it.
            retryIn = delivery.RetryUntil - now;
        }

        await store.RecordAsync(delivery, body, result, retryIn, options.BreakAfterFailures, options.BreakFor, CancellationToken.None);
        metrics.Attempted(delivery, result, retryIn is null, now);
        if (!result.Delivered)
        {
            logger.Log(retryIn is null ? LogLevel.Warning : LogLevel.Information,
                "Webhook delivery {DeliveryId} to subscription {SubscriptionId} failed (attempt {Attempt}): {Error}; {Next}",
                delivery.Id, delivery.SubscriptionId, delivery.Attempts + 1, result.Error, retryIn is { } r ? $"retrying in {r.TotalSeconds:0.#} s" : "dead-lettered");
        }
    }

    /// <summary>The body, made once at the first attempt and kept, so every retry signs and sends the very same bytes.</summary>
    private static string Body(ClaimedDelivery delivery)
    {
        var item = JsonSerializer.Deserialize<FeedItem>(delivery.Item, DeliveryJson.Options)!;
        return JsonSerializer.Serialize(item with { Cursor = (delivery.Cursor ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) }, DeliveryJson.Options);
    }

    private static Exception Root(Exception e) => e is CallbackRefusedException ? e : e.InnerException is { } inner ? Root(inner) : e;

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

/// <summary>Exponential back-off with full jitter: a delay drawn between half and all of the doubled step.</summary>
public static class Backoff
{
    public static TimeSpan Next(int attempt, TimeSpan first, TimeSpan max)
    {
        var step = first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(step, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }
}

/// <summary>The headers a delivery carries.</summary>
public static class WebhookHeaders
{
    public const string Signature = "X-Cases-Signature";
    public const string Delivery = "X-Cases-Delivery";
    public const string Attempt = "X-Cases-Attempt";
    public const string Subscription = "X-Cases-Subscription";
}

/// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body, keyed with the subscription's secret.</summary>
public static class WebhookSignature
{
    public static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}
