using System.Text;
using System.Text.Json.Nodes;
using Cases.Api.Delivery;
using Cases.Api.Tests.Support;
using Cases.LocalDatabase;
using RabbitMQ.Client;
using static Cases.Api.Tests.Delivery.DeliveryHarness;

namespace Cases.Api.Tests.Delivery;

/// <summary>Dispatches published to a real RabbitMQ server, as CloudEvents, routed by department, through the durable outbox.</summary>
public sealed class BrokerTests
{
    [SkippableFact]
    public async Task A_consumer_bound_for_one_department_gets_exactly_its_dispatches_and_a_broker_restart_loses_none()
    {
        Skip.If(LocalRabbitMq.Unavailable is not null, LocalRabbitMq.Unavailable);
        await using var broker = await LocalRabbitMq.StartAsync();
        await using var host = await StartHostAsync(await TestDatabase.CreateDatabaseAsync("cases_broker"), ("ConnectionStrings:RabbitMq", broker.ConnectionString));
        var api = new ApiClient(host.Server.CreateClient());

        // The water bureau's own durable queue, bound to its routing key only.
        const string queue = "water-bureau-dispatches";
        await using (var connection = await Connect(broker))
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclarePassiveAsync(BrokerSettings.Exchange);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, BrokerSettings.Exchange, BrokerSettings.Topic("water"));
        }

        var water = new List<Guid> { (await Dispatched(api, "water")).DispatchId, (await Dispatched(api, "water")).DispatchId };
        var urban = (await Dispatched(api, "urban")).DispatchId;
        var received = new List<JsonNode>();
        await TestHosts.Eventually(() => Drain(broker, queue, received), r => r.Count >= 2, Patience, "the water dispatches on the broker");

        var first = received[0];
        Assert.Equal("1.0", first["specversion"]!.GetValue<string>());
        Assert.Equal("cases.dispatch.v1", first["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["id"]!.GetValue<string>()));
        Assert.Equal("water", first["data"]!["departmentId"]!.GetValue<string>());
        Assert.True(long.Parse(first["data"]!["item"]!["cursor"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        // One dispatch published while the broker is down, one left unconsumed across the restart: neither is lost.
        water.Add((await Dispatched(api, "water")).DispatchId);
        await TestHosts.Eventually(() => Depth(broker, queue), n => n == 1, Patience, "the third dispatch to reach the queue");
        await broker.StopServerAsync();
        water.Add((await Dispatched(api, "water")).DispatchId);
        await broker.StartServerAsync();
        await TestHosts.Eventually(() => Drain(broker, queue, received), r => r.Count >= 4, Patience, "the dispatches across the restart");

        var ids = received.Select(r => r["data"]!["item"]!["dispatchId"]!.GetValue<Guid>()).ToList();
        Assert.Equal(water.Order(), ids.Distinct().Order());
        Assert.DoesNotContain(urban, ids);
    }

    private static async Task<IConnection> Connect(LocalRabbitMq broker) =>
        await new ConnectionFactory { Uri = new Uri(broker.ConnectionString) }.CreateConnectionAsync();

    /// <summary>Takes whatever the queue holds into <paramref name="received"/>, which it returns.</summary>
    private static async Task<List<JsonNode>> Drain(LocalRabbitMq broker, string queue, List<JsonNode> received)
    {
        try
        {
            await using var connection = await Connect(broker);
            await using var channel = await connection.CreateChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                received.Add(JsonNode.Parse(Encoding.UTF8.GetString(message.Body.Span))!);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The broker is still starting: nothing more this time.
        }

        return received;
    }

    private static async Task<uint> Depth(LocalRabbitMq broker, string queue)
    {
        await using var connection = await Connect(broker);
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
