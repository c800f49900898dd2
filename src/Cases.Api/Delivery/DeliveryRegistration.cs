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
        // One at a time, so that a case's dispatches reach the broker in the order they were made.
        wolverine.LocalQueueFor<DispatchIssued>().Sequential();
        if (configuration.GetConnectionString(BrokerConnectionStringName) is not { Length: > 0 } broker)
        {
            return;
        }

        wolverine.ServiceName = "cases";
        wolverine.UseRabbitMq(new Uri(broker)).AutoProvision();
        var json = new System.Text.Json.JsonSerializerOptions();
        Infrastructure.ServiceRegistration.ConfigureJson(json);
        wolverine.PublishMessage<DepartmentDispatch>()
            .ToRabbitTopics(BrokerSettings.Exchange)
            .InteropWithCloudEvents(json)
            .UseDurableOutbox();
    }
}
