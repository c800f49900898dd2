using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cases.Bench.Infrastructure;
using Cases.LocalDatabase;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Cases.Bench.Scenarios;

/// <summary>
/// Department delivery. Every department subscribes a webhook receiver running in the bench, and with RabbitMQ on the
/// machine the API is restarted with a broker, where a consumer takes every department's routing key. Workers then
/// dispatch over and over (file, acknowledge, escalate, acknowledge at the grid, then dispatch and return three times)
/// and the figures are: the time from sending the dispatch command to the delivery's arrival, by webhook and by
/// broker; webhook deliveries per second with ten subscribers per department; and intake and the lifecycle mix with
/// those subscriptions active, beside the same run's figures without them.
/// </summary>
public sealed class DeliveryScenario : IScenario
{
    private const int SubscribersPerDepartment = 10;
    private const string BrokerQueue = "bench-all-dispatches";

    public string Name => "delivery";

    public string Title => "Department delivery: webhooks and RabbitMQ";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var rows = new List<ResultRow>();
        var errors = new List<ErrorCount>();
        var details = new Dictionary<string, object>(StringComparer.Ordinal);
        await using var receiver = await BenchReceiver.StartAsync();
        await using var broker = LocalRabbitMq.Unavailable is null ? await LocalRabbitMq.StartAsync() : null;
        details["broker"] = broker is null ? $"not measured: {LocalRabbitMq.Unavailable}" : "RabbitMQ from Debian's package, started by the bench";
        var brokerArrivals = new ConcurrentDictionary<Guid, long>();
        IConnection? consumerConnection = null;
        try
        {
            if (broker is not null)
            {
                context.Api.Restart(new Dictionary<string, string> { ["ConnectionStrings__RabbitMq"] = broker.ConnectionString });
                await context.Api.WaitHealthyAsync(context.Http.Client, TimeSpan.FromSeconds(120), ct);
                context.Http.ForgetTokens();
                consumerConnection = await ConsumeAsync(broker, brokerArrivals, ct);
            }

            var subscriptions = await SubscribeAsync(context, receiver.CallbackUrl, 1, ct);

            // Latency: one subscriber per department, a modest load.
            var committed = new ConcurrentDictionary<Guid, long>();
            var line = progress.Add("delivery   latency, c=4");
            var level = await LoadRunner.RunAsync(4, context.Profile.LevelDuration, DispatchWorker(context, committed, 71), line.Report, context.Monitor, ct);
            errors.AddRange(level.Errors);
            await WaitForAsync(() => committed.Keys.All(receiver.FirstArrival.ContainsKey) && (broker is null || committed.Keys.All(brokerArrivals.ContainsKey)), ct);
            var webhook = Latencies(committed, receiver.FirstArrival);
            rows.Add(new ResultRow("webhook: dispatch command -> delivered", 4, webhook.Count, "deliveries", webhook.P50, webhook.P99, level.ErrorTotal, null, null, level.Resources));
            var summary = $"delivery   {committed.Count} dispatches; webhook p50 {webhook.P50:0} ms p99 {webhook.P99:0} ms";
            if (broker is not null)
            {
                var rabbit = Latencies(committed, brokerArrivals);
                rows.Add(new ResultRow("rabbitmq: dispatch command -> consumed", 4, rabbit.Count, "messages", rabbit.P50, rabbit.P99, 0, null, null, null));
                summary += $"; rabbitmq p50 {rabbit.P50:0} ms p99 {rabbit.P99:0} ms";
            }

            line.Done(summary);

            // Throughput: ten subscribers per department, dispatching as fast as the workers can.
            subscriptions.AddRange(await SubscribeAsync(context, receiver.CallbackUrl, SubscribersPerDepartment - 1, ct));
            var before = receiver.Deliveries.Count;
            committed.Clear();
            line = progress.Add($"delivery   {SubscribersPerDepartment} subscribers per department, c=8");
            var started = Stopwatch.GetTimestamp();
            level = await LoadRunner.RunAsync(8, context.Profile.LevelDuration, DispatchWorker(context, committed, 83), line.Report, context.Monitor, ct);
            errors.AddRange(level.Errors);
            var expected = before + (committed.Count * SubscribersPerDepartment);
            await WaitForAsync(() => receiver.Deliveries.Count >= expected, ct);
            var drained = receiver.Deliveries.Values.Max();
            var seconds = Stopwatch.GetElapsedTime(started, drained).TotalSeconds;
            var made = receiver.Deliveries.Count - before;
            var rate = made / seconds;
            var dispatchCommand = level.ByOperation.GetValueOrDefault("dispatch");
            rows.Add(new ResultRow($"webhook deliveries ({SubscribersPerDepartment} subscribers/department)", 8, rate, "deliveries/s", null, null, level.ErrorTotal, null, null, level.Resources));
            rows.Add(new ResultRow("dispatch command meanwhile", 8, committed.Count / level.Seconds, "dispatches/s", dispatchCommand?.P50, dispatchCommand?.P99, 0, null, null, null));
            line.Done($"delivery   {made} deliveries in {seconds:0.0} s = {rate:0} deliveries/s ({committed.Count} dispatches x {SubscribersPerDepartment}), {receiver.BadSignatures} bad signatures");

            // The hot paths with those subscriptions active, beside the same run's figures without them.
            foreach (var (name, concurrency, worker) in new[]
                     {
                         ("intake", context.Profile.Concurrency.Max(), IntakeScenario.Worker(context, 91)),
                         ("lifecycle", Math.Min(8, context.Profile.Concurrency.Max()), LifecycleScenario.Worker(context, 97)),
                     })
            {
                line = progress.Add($"delivery   {name} c={concurrency} with subscriptions");
                level = await LoadRunner.RunAsync(concurrency, context.Profile.LevelDuration, worker, line.Report, context.Monitor, ct);
                errors.AddRange(level.Errors);
                var without = context.Results.FirstOrDefault(r => r.Name == name)?.Rows.FirstOrDefault(r => r.Concurrency == concurrency);
                rows.Add(new ResultRow($"{name} with {subscriptions.Count} subscriptions" + (without is null ? "" : $" (without: {without.Value:0}/s, p99 {without.P99Ms:0.0} ms)"),
                    concurrency, level.PerSecond, name == "intake" ? "appeals/s" : "commands/s", level.Latency.P50, level.Latency.P99, level.ErrorTotal, null, null, level.Resources));
                line.Done($"delivery   {name} c={concurrency} with subscriptions {level.PerSecond:0}/s p99 {level.Latency.P99:0.0} ms" +
                          (without is null ? "" : $" (without {without.Value:0}/s p99 {without.P99Ms:0.0} ms)"));
            }

            foreach (var (department, id) in subscriptions)
            {
                await context.Http.Client.SendAsync(await Request(context, HttpMethod.Delete, $"/api/departments/{department}/subscriptions/{id}", null, ct), ct);
            }
        }
        finally
        {
            if (consumerConnection is not null)
            {
                await consumerConnection.DisposeAsync();
            }

            if (broker is not null)
            {
                context.Api.Restart(new Dictionary<string, string>());
                await context.Api.WaitHealthyAsync(context.Http.Client, TimeSpan.FromSeconds(120), ct);
                context.Http.ForgetTokens();
            }
        }

        return new ScenarioResult(Name, Title, rows, [], errors, details);
    }

    /// <summary>Dispatches, and notes when each dispatch command was sent.</summary>
    private static Func<int, WorkerLog, CancellationToken, Task> DispatchWorker(BenchContext context, ConcurrentDictionary<Guid, long> sent, int seed) => async (worker, log, ct) =>
    {
        var factory = new AppealFactory(context.Catalog, (seed * 100) + worker);
        var http = context.Http;
        while (log.KeepGoing)
        {
            var appeal = factory.Next();
            if (await http.PostAsync(log, "intake", "/api/appeals", BenchHttp.Body(appeal), Actor.Agent, ct) is not { } filed)
            {
                continue;
            }

            var path = $"/api/cases/{LifecycleScenario.Text(filed, "caseId")}/";
            var gridWorker = Actor.GridWorker(LifecycleScenario.Text(filed, "currentNodeId")!);
            if (await http.PostAsync(log, "acknowledge", path + "acknowledge", BenchHttp.Body(new { }), gridWorker, ct) is null
                || await http.PostAsync(log, "escalate", path + "escalate", BenchHttp.Body(new { reason = "需要职能部门处置。" }), gridWorker, ct) is not { } escalated)
            {
                continue;
            }

            var gridHead = Actor.Coordinator(LifecycleScenario.Text(escalated, "currentNodeId")!);
            if (await http.PostAsync(log, "acknowledge", path + "acknowledge", BenchHttp.Body(new { }), gridHead, ct) is null)
            {
                continue;
            }

            var department = context.Catalog.DepartmentFor(appeal.Category, factory.Random);
            for (var round = 0; round < 3 && log.KeepGoing; round++)
            {
                var at = Stopwatch.GetTimestamp();
                if (await http.PostAsync(log, "dispatch", path + "dispatch", BenchHttp.Body(new { departmentId = department.Id }), gridHead, ct) is not { } dispatched
                    || LifecycleScenario.PendingDispatch(dispatched, department.Id) is not { } dispatchId)
                {
                    break;
                }

                sent[Guid.Parse(dispatchId)] = at;
                if (await http.PostAsync(log, "return", $"{path}dispatches/{dispatchId}/return", BenchHttp.Body(new { reason = "地址有误，请核实。" }), Actor.Department(department.Id), ct) is null)
                {
                    break;
                }
            }
        }
    };

    private static async Task<List<(string Department, Guid Id)>> SubscribeAsync(BenchContext context, string callbackUrl, int each, CancellationToken ct)
    {
        var made = new List<(string, Guid)>();
        foreach (var department in context.Catalog.Departments)
        {
            for (var i = 0; i < each; i++)
            {
                var body = BenchHttp.Body(new { callbackUrl, secret = BenchReceiver.Secret });
                using var response = await context.Http.Client.SendAsync(await Request(context, HttpMethod.Post, $"/api/departments/{department.Id}/subscriptions", body, ct), ct);
                response.EnsureSuccessStatusCode();
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                made.Add((department.Id, json.RootElement.GetProperty("subscriptionId").GetGuid()));
            }
        }

        return made;
    }

    private static async Task<HttpRequestMessage> Request(BenchContext context, HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await context.Http.TokenAsync(Actor.Admin, ct));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        }

        return request;
    }

    /// <summary>A consumer of every department's routing key, noting when each dispatch first arrived.</summary>
    private static async Task<IConnection> ConsumeAsync(LocalRabbitMq broker, ConcurrentDictionary<Guid, long> arrivals, CancellationToken ct)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(broker.ConnectionString) }.CreateConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(BrokerQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        await channel.QueueBindAsync(BrokerQueue, "cases.dispatches", "departments.#", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, message) =>
        {
            var now = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span));
            arrivals.TryAdd(json.RootElement.GetProperty("data").GetProperty("item").GetProperty("dispatchId").GetGuid(), now);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(BrokerQueue, autoAck: true, consumer, ct);
        return connection;
    }

    private static LatencyStats Latencies(ConcurrentDictionary<Guid, long> sent, ConcurrentDictionary<Guid, long> arrived) =>
        LatencyStats.From([.. sent.Where(s => arrived.ContainsKey(s.Key)).Select(s => Stopwatch.GetElapsedTime(s.Value, arrived[s.Key]).TotalMilliseconds)]);

    /// <summary>Waits (at most two minutes) for the deliveries to catch up with the load.</summary>
    private static async Task WaitForAsync(Func<bool> done, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(50, ct);
        }
    }
}
