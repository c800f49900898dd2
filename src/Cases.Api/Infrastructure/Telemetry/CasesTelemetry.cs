using JasperFx.OpenTelemetry;
using Marten;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cases.Api.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for every node: ASP.NET Core's request rates and latencies, HttpClient (webhooks), the runtime, Npgsql,
/// Wolverine's and Marten's own sources and meters, and ours (<see cref="CasesMeters"/>, <c>Cases.Delivery</c>).
/// Metrics are always collected in-process (cheap); traces and the OTLP exporter come on only when an endpoint is
/// configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or <c>Cases:Telemetry:OtlpEndpoint</c>), so an unobserved node pays
/// nothing for spans.
/// </summary>
public static class CasesTelemetry
{
    public const string ServiceName = "cases";

    /// <summary>The sources and meters a collector should take, beyond the instrumentation libraries' own.</summary>
    /// <remarks>Wolverine names its meter <c>Wolverine:{service name}</c>; the wildcard takes it whatever the service is called.</remarks>
    public static readonly string[] Sources = ["Wolverine*", "Marten", CasesMeters.MeterName];

    public static readonly string[] Meters = ["Wolverine*", "Marten", CasesMeters.MeterName, Delivery.DeliveryMetrics.MeterName];

    /// <summary>Marten's own instrumentation: a span per connection and session, and a counter of events appended.</summary>
    public static void Configure(StoreOptions marten)
    {
        marten.OpenTelemetry.TrackConnections = TrackLevel.Normal;
        marten.OpenTelemetry.TrackEventCounters();
    }

    public static string? OtlpEndpoint(IConfiguration configuration) =>
        configuration["Cases:Telemetry:OtlpEndpoint"] is { Length: > 0 } cases ? cases
        : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } standard ? standard
        : null;

    public static WebApplicationBuilder AddCasesTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CasesMeters>();
        var endpoint = OtlpEndpoint(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName,
                serviceInstanceId: builder.Configuration["Cases:NodeName"] is { Length: > 0 } node ? node : $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(Meters));
        if (endpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(Sources));
            telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
        }

        return builder;
    }
}
