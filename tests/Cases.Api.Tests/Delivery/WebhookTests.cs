using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Delivery;
using Cases.Api.Tests.Support;
using static Cases.Api.Tests.Delivery.DeliveryHarness;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Delivery;

/// <summary>Dispatches pushed to a real receiver over HTTP: retried, signed, ordered, dead-lettered and retried by hand.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task A_receiver_that_fails_its_first_calls_gets_each_dispatch_once_it_recovers_with_one_delivery_id_each()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_hooks"));
        var api = new ApiClient(host.Server.CreateClient());
        await using var receiver = await Receiver.StartAsync();
        receiver.FailFirst = 3;
        var subscription = await Subscribe(api, "water", receiver.CallbackUrl);

        var dispatches = new[] { await Dispatched(api, "water"), await Dispatched(api, "water") };

        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == 2, Patience, "both dispatches to arrive");
        Assert.Equal(dispatches.Select(d => d.DispatchId).Order(), receiver.Sample.Received.Select(r => r.DispatchId).Order());
        Assert.Equal(3, receiver.Calls.Count(c => c.Answered == 503));
        Assert.Equal(0, receiver.Sample.Rejected);

        // Every call for one dispatch carried the same delivery id, and the same signed bytes.
        foreach (var group in receiver.Calls.GroupBy(c => c.DeliveryId))
        {
            Assert.Single(group.Select(c => c.Body).Distinct());
            Assert.Single(group.Select(c => c.Signature).Distinct());
        }

        Assert.Equal(2, receiver.Calls.Select(c => c.DeliveryId).Distinct().Count());
        var deliveries = await Deliveries(api, "water", subscription);
        Assert.All(deliveries, d => Assert.Equal("delivered", d!["status"]!.GetValue<string>()));
        Assert.Equal(5, deliveries.Sum(d => d!["attempts"]!.GetValue<int>()));
        Assert.Contains(deliveries, d => d!["attemptLog"]!.AsArray().Any(a => a!["statusCode"]?.GetValue<int>() == 503));

        // The pushed body is the pull feed's item, cursor included.
        var feed = await Eventually(() => api.Get("/api/departments/water/dispatches", Caller.Department("water")),
            a => a.Body!["items"]!.AsArray().Count == 2, Patience, "the feed to list both dispatches");
        foreach (var received in receiver.Sample.Received)
        {
            var item = feed.Body!["items"]!.AsArray().Single(i => i!["dispatchId"]!.GetValue<Guid>() == received.DispatchId)!;
            Assert.True(JsonNode.DeepEquals(item, received.Item), $"pushed {received.Item.ToJsonString()} but the feed has {item.ToJsonString()}");
        }

        var view = (await api.Get($"/api/departments/water/subscriptions/{subscription}", Caller.Department("water"))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, view.Body!["deliveries"]!["delivered"]!.GetValue<long>());
        Assert.Equal(0, view.Body["deliveries"]!["pending"]!.GetValue<long>());
        Assert.DoesNotContain("secret", view.Body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Receiver.Secret, view.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_down_past_the_retries_leaves_a_dead_letter_that_the_retry_endpoint_delivers()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_dead"), ("Cases:Delivery:RetryFor", "00:00:02"));
        var api = new ApiClient(host.Server.CreateClient());
        await using var receiver = await Receiver.StartAsync();
        receiver.Down = true;
        var subscription = await Subscribe(api, "water", receiver.CallbackUrl);
        var (_, dispatchId) = await Dispatched(api, "water");

        var dead = await Eventually(() => Deliveries(api, "water", subscription, "failed"), d => d.Count == 1, Patience, "a dead letter");
        var deliveryId = dead[0]!["deliveryId"]!.GetValue<Guid>();
        Assert.Equal(dispatchId, dead[0]!["dispatchId"]!.GetValue<Guid>());
        Assert.True(dead[0]!["attempts"]!.GetValue<int>() >= 2);
        Assert.Empty(receiver.Sample.Received);
        var failedCount = (await api.Get($"/api/departments/water/subscriptions/{subscription}", Caller.Department("water"))).Body!["deliveries"]!["failed"]!.GetValue<long>();
        Assert.Equal(1, failedCount);

        receiver.Down = false;
        var retried = (await api.Post($"/api/departments/water/subscriptions/{subscription}/deliveries/{deliveryId}/retry", null, Caller.Department("water")))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal("pending", retried.Text("status"));

        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == 1, Patience, "the retried delivery");
        Assert.Equal(deliveryId.ToString(), receiver.Sample.Received[0].DeliveryId);
        Assert.Empty(await Deliveries(api, "water", subscription, "failed"));

        // Only a dead letter is retried.
        var delivered = await Eventually(() => Deliveries(api, "water", subscription, "delivered"), d => d.Count == 1, Patience, "the delivery recorded");
        (await api.Post($"/api/departments/water/subscriptions/{subscription}/deliveries/{deliveryId}/retry", null, Caller.Department("water")))
            .ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal(deliveryId, delivered[0]!["deliveryId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_process_stopped_while_retrying_delivers_after_the_restart_with_the_same_delivery_id()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_hook_restart");
        await using var receiver = await Receiver.StartAsync();
        receiver.Down = true;
        Guid subscription;
        await using (var first = await StartHostAsync(database))
        {
            var api = new ApiClient(first.Server.CreateClient());
            subscription = await Subscribe(api, "water", receiver.CallbackUrl);
            await Dispatched(api, "water");
            await Eventually(() => Task.FromResult(receiver.Calls.Count), n => n >= 2, Patience, "the first host to try and fail");
        }

        var triedBefore = receiver.Calls.Select(c => c.DeliveryId).Distinct().Single();
        receiver.Down = false;
        await using var second = await StartHostAsync(database);
        var again = new ApiClient(second.Server.CreateClient());
        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == 1, Patience, "the delivery after the restart");
        Assert.Equal(triedBefore, receiver.Sample.Received[0].DeliveryId);
        var delivered = await Deliveries(again, "water", subscription, "delivered");
        Assert.Equal(triedBefore, delivered.Single()!["deliveryId"]!.GetValue<Guid>().ToString());
    }

    [Fact]
    public async Task Deliveries_for_one_case_arrive_in_order_while_many_cases_are_dispatched_concurrently()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_hook_order"));
        var api = new ApiClient(host.Server.CreateClient());
        await using var receiver = await Receiver.StartAsync();
        receiver.Flaky = 0.3;
        await Subscribe(api, "water", receiver.CallbackUrl);

        // Each case is dispatched to water, returned, and dispatched to water again: two deliveries per case, in that order.
        var cases = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var (caseId, first) = await Dispatched(api, "water");
            await Return(api, caseId, first, "water");
            var second = await DispatchAgain(api, caseId, "water");
            return (caseId, first, second);
        }));

        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == cases.Length * 2, Patience, "every dispatch");
        foreach (var (caseId, first, second) in cases)
        {
            var order = receiver.Sample.Received.Where(r => r.CaseId == caseId).Select(r => r.DispatchId).ToList();
            Assert.Equal([first, second], order);
        }
    }

    [Fact]
    public async Task Callbacks_that_are_not_http_or_point_at_the_service_or_a_private_address_are_refused()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_ssrf"), ("Cases:Delivery:AllowPrivateAddresses", "false"));
        var api = new ApiClient(host.Server.CreateClient());
        foreach (var url in new[] { "ftp://example.org/hook", "file:///etc/passwd", "http://localhost/hook", "http://127.0.0.1:8080/hook", "http://10.1.2.3/hook",
                     "http://169.254.169.254/latest/meta-data", "http://[::1]:9000/hook", "http://user:pw@example.org/hook", "not a url" })
        {
            var answer = await api.Post("/api/departments/water/subscriptions", new { callbackUrl = url, secret = Receiver.Secret }, Caller.Department("water"));
            Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{url}: {(int)answer.Status} {answer.Body?.ToJsonString()}");
            Assert.NotNull(answer.Body!["errors"]!["callbackUrl"]);
        }

        Assert.Empty((await api.Get("/api/departments/water/subscriptions", Caller.Department("water"))).ShouldBe(HttpStatusCode.OK).Body!.AsArray());
        (await api.Post("/api/departments/water/subscriptions", new { callbackUrl = "http://127.0.0.1:9/hook", secret = "short" }, Caller.Department("water")))
            .ShouldBe(HttpStatusCode.BadRequest);
        (await api.Post("/api/departments/nowhere/subscriptions", new { callbackUrl = "http://example.org/hook" }, Caller.Admin)).ShouldBe(HttpStatusCode.NotFound);
        (await api.Post("/api/departments/water/subscriptions", new { callbackUrl = "http://example.org/hook" }, Caller.Department("urban"))).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_generated_secret_is_shown_once_and_the_sample_receiver_refuses_a_tampered_body()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_secret"));
        var api = new ApiClient(host.Server.CreateClient());
        var created = (await api.Post("/api/departments/health/subscriptions", new { callbackUrl = "http://127.0.0.1:9/hook" }, Caller.Department("health")))
            .ShouldBe(HttpStatusCode.Created);
        var secret = created.Text("secret");
        Assert.Equal(64, secret.Length);
        var listed = (await api.Get("/api/departments/health/subscriptions", Caller.Department("health"))).ShouldBe(HttpStatusCode.OK).Body!.ToJsonString();
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);

        await using var receiver = await Receiver.StartAsync();
        await Subscribe(api, "water", receiver.CallbackUrl);
        await Dispatched(api, "water");
        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == 1, Patience, "the dispatch");
        var call = receiver.Calls.Single(c => c.Answered == 200);
        Assert.Equal(WebhookSignature.Sign(call.Body, Receiver.Secret), call.Signature);

        using var direct = new HttpClient { BaseAddress = new Uri(receiver.Url) };
        async Task<HttpStatusCode> Send(string body, string deliveryId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sample") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Cases-Signature", call.Signature);
            request.Headers.Add("X-Cases-Delivery", deliveryId);
            return (await direct.SendAsync(request)).StatusCode;
        }

        var tampered = call.Body.Replace("\"urgency\":\"normal\"", "\"urgency\":\"urgent\"", StringComparison.Ordinal);
        Assert.NotEqual(call.Body, tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(tampered, Guid.NewGuid().ToString()));
        Assert.Equal(1, receiver.Sample.Rejected);

        // The genuine body again, as a retry would bring it: acknowledged, and not taken twice.
        Assert.Equal(HttpStatusCode.OK, await Send(call.Body, call.DeliveryId));
        Assert.Equal(1, receiver.Sample.Duplicates);
        Assert.Single(receiver.Sample.Received);
    }

    [Fact]
    public async Task A_dead_endpoint_opens_its_own_circuit_and_does_not_hold_up_another_subscriber()
    {
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_circuit"),
            ("Cases:Delivery:RequestTimeout", "00:00:02"), ("Cases:Delivery:BreakAfterFailures", "2"), ("Cases:Delivery:BreakFor", "00:01:00"));
        var api = new ApiClient(host.Server.CreateClient());

        // Accepts connections and never answers: every attempt costs the sender its whole timeout.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start(100);
        var hung = await Subscribe(api, "water", $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/hook");
        await using var receiver = await Receiver.StartAsync();
        var healthy = await Subscribe(api, "water", receiver.CallbackUrl);

        for (var i = 0; i < 4; i++)
        {
            await Dispatched(api, "water");
        }

        await Eventually(() => Task.FromResult(receiver.Sample.Received.Count), n => n == 4, Patience, "the healthy subscriber's deliveries");
        var stuck = await Eventually(() => api.Get($"/api/departments/water/subscriptions/{hung}", Caller.Department("water")),
            a => a.Body!["circuitOpenUntil"] is not null, Patience, "the dead endpoint's circuit to open");
        Assert.Equal(0, stuck.Body!["deliveries"]!["delivered"]!.GetValue<long>());
        Assert.Equal(4, stuck.Body["deliveries"]!["pending"]!.GetValue<long>());
        Assert.True(stuck.Body["deliveries"]!["oldestPendingSeconds"]!.GetValue<double>() > 0);
        Assert.True(stuck.Body["consecutiveFailures"]!.GetValue<int>() >= 2);
        var fine = (await api.Get($"/api/departments/water/subscriptions/{healthy}", Caller.Department("water"))).Body!;
        Assert.Null(fine["circuitOpenUntil"]);
        Assert.Equal(4, fine["deliveries"]!["delivered"]!.GetValue<long>());

        // The same figures as metrics, per subscription.
        var gauges = Gauges();
        Assert.Equal(4, gauges[("cases.webhook.pending", hung)]);
        Assert.Equal(0, gauges[("cases.webhook.delivered", hung)]);
        Assert.Equal(4, gauges[("cases.webhook.delivered", healthy)]);
        Assert.True(gauges[("cases.webhook.oldest_pending_age", hung)] >= 0);
    }

    /// <summary>One reading of the delivery meter's gauges, by instrument and subscription.</summary>
    private static Dictionary<(string Instrument, Guid Subscription), long> Gauges()
    {
        var readings = new Dictionary<(string, Guid), long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DeliveryMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "subscription" && tag.Value is Guid id)
                {
                    readings[(instrument.Name, id)] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return readings;
    }
}
