using Wolverine;
using Wolverine.RabbitMQ;

namespace Cases.Api.Delivery;

/// <summary>Department delivery's services: webhooks always, RabbitMQ when <c>ConnectionStrings:RabbitMq</c> is set.</summary>
public static class DeliveryRegistration
{
    public const string BrokerConnectionStringName = "RabbitMq";

    public static void AddCasesDelivery(this WebApplicationBuilder builder, CasesOptions cases)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new DeliveryOptions();
        services.AddSingleton(options);
        services.AddSingleton(new BrokerSettings(builder.Configuration.GetConnectionString(BrokerConnectionStringName)));
        services.AddSingleton<DispatchOutbox>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<DeliveryQueries>();
        services.AddSingleton<CallbackGuard>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddHostedService<WebhookSender>();
    }

    public static void ConfigureMessaging(WolverineOptions wolverine, IConfiguration configuration)
    {
        // A case's dispatches go through one queue of four, one at a time, so they reach the broker in the order they were
        // made; different cases go through the four in parallel.
        wolverine.MessagePartitioning
            .ByMessage<DispatchIssued>(issued => issued.CaseId.ToString())
            .PublishToPartitionedLocalMessaging("dispatches", 4, topology => topology.MessagesImplementing<DispatchIssued>());
        if (configuration.GetConnectionString(BrokerConnectionStringName) is not { Length: > 0 } broker)
        {
            return;
        }

        wolverine.ServiceName = "cases";
        wolverine.UseRabbitMq(new Uri(broker)).AutoProvision();
        wolverine.PublishMessage<DepartmentDispatch>()
            .ToRabbitTopics(BrokerSettings.Exchange)
            .InteropWithCloudEvents(DeliveryJson.Options)
            .UseDurableOutbox();
    }
}
