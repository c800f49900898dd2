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
/// broker; intake and the lifecycle mix with ten subscribers per department, beside the same process's figures
/// before any subscription; and the sender's capacity: a backlog made while no node sends, drained by one node after
/// its start (timed from the first delivery to the last).
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
        var environment = broker is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ConnectionStrings__RabbitMq"] = broker.ConnectionString };
        var brokerArrivals = new ConcurrentDictionary<Guid, long>();
        IConnection? consumerConnection = null;
        try
        {
            await RestartAsync(context, environment);
            if (broker is not null)
            {
                consumerConnection = await ConsumeAsync(broker, brokerArrivals, ct);
            }

            // Intake and the lifecycle mix, measured in this process without subscriptions and then with them.
            var hotPaths = new[]
            {
                ("intake", context.Profile.Concurrency.Max(), (Func<int, Func<int, WorkerLog, CancellationToken, Task>>)(seed => IntakeScenario.Worker(context, seed))),
                ("lifecycle", Math.Min(8, context.Profile.Concurrency.Max()), seed => LifecycleScenario.Worker(context, seed)),
            };
            await BenchRunner.WarmUpAsync(context, progress);
            await LoadRunner.RunAsync(4, context.Profile.Warmup / 2, DispatchWorker(context, new(), 61), _ => { }, null, ct);
            var subscriptions = await SubscribeAsync(context, receiver.CallbackUrl, 1, ct);

            // Latency: one subscriber per department, a modest load.
            var sent = new ConcurrentDictionary<Guid, long>();
            var line = progress.Add("delivery   latency, c=4");
            var level = await LoadRunner.RunAsync(4, context.Profile.LevelDuration, DispatchWorker(context, sent, 71), line.Report, context.Monitor, ct);
            errors.AddRange(level.Errors);
            await WaitForAsync(() => sent.Keys.All(receiver.FirstArrival.ContainsKey) && (broker is null || sent.Keys.All(brokerArrivals.ContainsKey)), ct);
            var webhook = Latencies(sent, receiver.FirstArrival);
            rows.Add(new ResultRow("webhook: dispatch command -> delivered", 4, webhook.Count, "deliveries", webhook.P50, webhook.P99, level.ErrorTotal, null, null, level.Resources));
            var summary = $"delivery   {sent.Count} dispatches; webhook p50 {webhook.P50:0} ms p99 {webhook.P99:0} ms";
            if (broker is not null)
            {
                var rabbit = Latencies(sent, brokerArrivals);
                rows.Add(new ResultRow("rabbitmq: dispatch command -> consumed", 4, rabbit.Count, "messages", rabbit.P50, rabbit.P99, 0, null, null, null));
                summary += $"; rabbitmq p50 {rabbit.P50:0} ms p99 {rabbit.P99:0} ms";
            }

            line.Done(summary);

            // The hot paths in this warm process without subscriptions, then with ten subscribers per department.
            await UnsubscribeAsync(context, subscriptions, ct);
            var without = new Dictionary<string, LevelResult>(StringComparer.Ordinal);
            foreach (var (name, concurrency, worker) in hotPaths)
            {
                var line0 = progress.Add($"delivery   {name} c={concurrency} without subscriptions");
                var level0 = await LoadRunner.RunAsync(concurrency, context.Profile.LevelDuration, worker(91), line0.Report, context.Monitor, ct);
                errors.AddRange(level0.Errors);
                without[name] = level0;
                line0.Done($"delivery   {name} c={concurrency} without subscriptions {level0.PerSecond:0}/s p99 {level0.Latency.P99:0.0} ms");
            }

            subscriptions = await SubscribeAsync(context, receiver.CallbackUrl, SubscribersPerDepartment, ct);
            foreach (var (name, concurrency, worker) in hotPaths)
            {
                line = progress.Add($"delivery   {name} c={concurrency} with subscriptions");
                level = await LoadRunner.RunAsync(concurrency, context.Profile.LevelDuration, worker(93), line.Report, context.Monitor, ct);
                errors.AddRange(level.Errors);
                var before = without[name];
                rows.Add(new ResultRow($"{name} without subscriptions", concurrency, before.PerSecond, Unit(name), before.Latency.P50, before.Latency.P99, before.ErrorTotal, null, null, before.Resources));
                rows.Add(new ResultRow($"{name} with {subscriptions.Count} subscriptions", concurrency, level.PerSecond, Unit(name), level.Latency.P50, level.Latency.P99, level.ErrorTotal, null, null, level.Resources));
                line.Done($"delivery   {name} c={concurrency} with subscriptions {level.PerSecond:0}/s p99 {level.Latency.P99:0.0} ms (without: {before.PerSecond:0}/s p99 {before.Latency.P99:0.0} ms)");
            }

            // Capacity: a backlog made while no node sends, then drained by one node from its start.
            await RestartAsync(context, new Dictionary<string, string>(environment) { ["Cases__Delivery__Enabled"] = "false" });
            line = progress.Add($"delivery   backlog, {SubscribersPerDepartment} subscribers per department, c=8");
            sent.Clear();
            level = await LoadRunner.RunAsync(8, context.Profile.LevelDuration, DispatchWorker(context, sent, 83), line.Report, context.Monitor, ct);
            errors.AddRange(level.Errors);
            var already = receiver.Deliveries.Count;
            var backlog = sent.Count * SubscribersPerDepartment;
            var restarted = Stopwatch.GetTimestamp();
            await RestartAsync(context, environment);
            await WaitForAsync(() => receiver.Deliveries.Count - already >= backlog, ct, TimeSpan.FromMinutes(5));
            var drained = receiver.Deliveries.Values.Where(t => t > restarted).Order().ToList();
            var made = drained.Count;
            var seconds = made < 2 ? double.NaN : Stopwatch.GetElapsedTime(drained[0], drained[^1]).TotalSeconds;
            rows.Add(new ResultRow($"webhook backlog drained, first to last delivery ({made} of {backlog})", 1, made / seconds, "deliveries/s", null, null, level.ErrorTotal, null, null, null));
            line.Done($"delivery   {made} of {backlog} deliveries drained in {seconds:0.0} s (first to last) = {made / seconds:0} deliveries/s; " +
                      $"first {Stopwatch.GetElapsedTime(restarted, drained.FirstOrDefault(restarted)).TotalSeconds:0.0} s after the restart began; {receiver.BadSignatures} bad signatures");
            details["backlogSeconds"] = seconds;

            await UnsubscribeAsync(context, subscriptions, ct);
        }
        finally
        {
            if (consumerConnection is not null)
            {
                await consumerConnection.DisposeAsync();
            }

            await RestartAsync(context, new Dictionary<string, string>());
        }

        return new ScenarioResult(Name, Title, rows, [], errors, details);
    }

    private static string Unit(string name) => name == "intake" ? "appeals/s" : "commands/s";

    private static async Task RestartAsync(BenchContext context, IReadOnlyDictionary<string, string> environment)
    {
        context.Api.Restart(environment);
        await context.Api.WaitHealthyAsync(context.Http.Client, TimeSpan.FromSeconds(120), context.CancellationToken);
        context.Http.ForgetTokens();
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

    private static async Task UnsubscribeAsync(BenchContext context, List<(string Department, Guid Id)> subscriptions, CancellationToken ct)
    {
        foreach (var (department, id) in subscriptions)
        {
            using var _ = await context.Http.Client.SendAsync(await Request(context, HttpMethod.Delete, $"/api/departments/{department}/subscriptions/{id}", null, ct), ct);
        }
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

    /// <summary>Waits (two minutes unless told) for the deliveries to catch up with the load.</summary>
    private static async Task WaitForAsync(Func<bool> done, CancellationToken ct, TimeSpan? patience = null)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < (patience ?? TimeSpan.FromMinutes(2)))
        {
            await Task.Delay(50, ct);
        }
    }
}
