using System.Text.Json.Serialization;
using Cases.Api.Audit.Chain;
using Cases.Api.Cases;
using Cases.Api.Delivery;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Health;
using Cases.Api.Infrastructure.Telemetry;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Intake;
using Cases.Api.Reference;
using Cases.Domain.Grid;
using Cases.Domain.Sla;
using Cases.Projections;
using FluentValidation;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Marten;

namespace Cases.Api.Infrastructure;

public static class ServiceRegistration
{
    /// <summary>Everything the service needs, given the database it will use.</summary>
    public static WebApplicationBuilder AddCases(this WebApplicationBuilder builder, string connectionString, CasesOptions options)
    {
        var services = builder.Services;
        connectionString = Tuned(connectionString);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SlaPolicy(options.CalendarFile is { Length: > 0 } file
            ? WorkingCalendar.FromJson(File.ReadAllText(file))
            : WorkingCalendar.China2026));
        services.AddSingleton<IActorAccessor, ClaimsActorAccessor>();
        builder.AddCasesSecurity(options);
        builder.AddCasesHealth(options);
        builder.AddCasesTelemetry();
        services.AddSingleton<ReferenceData>();
        services.AddHostedService<ReferenceDataPolling>();
        services.AddSingleton<DecisionContextFactory>();
        services.AddSingleton<CaseWorkflow>();
        services.AddSingleton<CaseNumbers>();
        services.AddSingleton<Boards.BoardQueries>();
        services.AddSingleton<Clocks.ClockScheduler>();
        services.AddSingleton<Metrics.ProjectionStatus>();
        services.AddSingleton(provider => new global::Cases.Projections.Metrics.MetricsBucketReader(provider.GetRequiredService<NpgsqlDataSource>(), options.Schema));
        builder.AddCasesDelivery(options);
        services.AddSingleton<ChainVerifier>();
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        // A rule stops at its first failure, so a later check never sees the null an earlier one refused.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        services.AddValidatorsFromAssemblyContaining<FileAppealValidator>(ServiceLifetime.Singleton);

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Whatever the environment, no exception detail leaves the service.
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Detail = ProblemText.Sanitize(context.ProblemDetails.Detail);
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<IdempotentRetryHandler>();
        services.AddExceptionHandler<CasesExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => ConfigureJson(json.SerializerOptions));
        services.AddOpenApi(openApi => OpenApiSetup.Configure(openApi));

        // The handlers' and documents' code is generated ahead of time (build.ps1 codegen, into Internal/Generated) and compiled
        // into this assembly: compiling it at run time loaded Roslyn and cost each node ~160 MB and its first requests.
        // Anything not pre-generated (a new handler before the next codegen) is still compiled at run time, never written to disk.
        services.CritterStackDefaults(critters =>
        {
            critters.ApplicationAssembly = typeof(ServiceRegistration).Assembly;
            foreach (var profile in new[] { critters.Production, critters.Development })
            {
                profile.GeneratedCodeMode = JasperFx.CodeGeneration.TypeLoadMode.Auto;
                profile.SourceCodeWritingEnabled = false;
            }
        });

        services.AddMarten(marten =>
            {
                marten.Connection(connectionString);
                marten.DatabaseSchemaName = options.Schema;
                marten.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                marten.Events.StreamIdentity = StreamIdentity.AsGuid;
                marten.Events.AppendMode = EventAppendMode.Quick;
                marten.Events.MetadataConfig.HeadersEnabled = true;
                marten.Events.MetadataConfig.CorrelationIdEnabled = true;
                marten.Events.MetadataConfig.CausationIdEnabled = true;
                marten.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                marten.Schema.For<GridNode>().Identity(x => x.Id).Index(x => x.ParentId!);
                marten.Schema.For<Department>().Identity(x => x.Id);
                marten.Schema.For<Category>().Identity(x => x.Code);
                marten.Schema.For<IdempotencyRecord>().Identity(x => x.Id).Index(x => x.CaseId);
                marten.Schema.For<Residents.ResidentKey>().Identity(x => x.Id).Index(x => x.Lookup);
                marten.Schema.For<global::Cases.Domain.Routing.RoutingRules>().Identity(x => x.Id);
                ReferenceStream.Register(marten);
                marten.AddCasesProjections();
                Delivery.WebhookSchema.Configure(marten);
                EventChainSchema.Register(marten, options.Schema);
                CasesTelemetry.Configure(marten);
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Wolverine's leader spreads the async projections over the live nodes and moves a dead node's share to the
            // others (see Distribution); without the daemon, nothing runs them here.
            .IntegrateWithWolverine(wolverine => wolverine.UseWolverineManagedEventSubscriptionDistribution = options.AsyncDaemon);

        // After Marten's registrations: its schema is in place before the chain's genesis runs.
        services.AddHostedService<ChainHeadPublisher>();
        services.AddHostedService<Health.ProjectionAgentWatchdog>();

        builder.Host.UseWolverine(wolverine =>
        {
            wolverine.Policies.AutoApplyTransactions();
            wolverine.Policies.UseDurableLocalQueues();
            Distribution.Configure(wolverine.Durability);

            // Clocks must fire close to their deadline: look for due scheduled messages every half second.
            wolverine.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(500);
            wolverine.Durability.ScheduledJobFirstExecution = TimeSpan.FromMilliseconds(250);
            // ... and take a whole burst of them at once (the morning after a holiday), handled side by side.
            wolverine.Durability.RecoveryBatchSize = options.ClockBatchSize;
            wolverine.LocalQueueFor<Domain.Clocks.ClockDue>().MaximumParallelMessages(options.ClockParallelism);
            // Wolverine counts its inbox by status for its metrics every 5 s by default: a scan of every scheduled timer
            // (200,000 and more in the benchmark), ~0.2 ms of PostgreSQL per clock stage fired in the burst. Twice a minute
            // is enough for those gauges; the clocks' own gauge (cases.clocks.pending) counts separately.
            wolverine.Durability.UpdateMetricsPeriod = TimeSpan.FromSeconds(30);

            // A clock that loses a race with a person's command tries again on the new state, a few times at once and then
            // later from the schedule; only a message that keeps losing for a minute goes to the dead letters.
            wolverine.OnException<ConcurrencyException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1))
                .Then.ScheduleRetry(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30))
                .Then.MoveToErrorQueue();
            // While the database restarts or fails over, a message (a clock above all) waits it out instead of going to the
            // dead letters after three quick failures: the chaos run lost clocks that way. About 30 s of retries in memory
            // (scheduling needs the database too), then from the schedule for up to 8.5 more minutes.
            wolverine.OnException(CasesExceptionHandlerExtensions.IsDatabaseUnreachable, "the database is unreachable")
                .RetryWithCooldown([.. new[] { 0.5, 1, 2, 4, 8, 15 }.Select(TimeSpan.FromSeconds)])
                .Then.ScheduleRetry(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5))
                .Then.MoveToErrorQueue();
            // This assembly, also when the command line (tools/Cases.Cli) hosts the service and is the entry assembly.
            wolverine.ApplicationAssembly = typeof(ServiceRegistration).Assembly;
            wolverine.Discovery.IncludeAssembly(typeof(ServiceRegistration).Assembly);
            Delivery.DeliveryRegistration.ConfigureMessaging(wolverine, builder.Configuration);
        });
        services.AddWolverineHttp();
        return builder;
    }

    /// <summary>
    /// Prepared statements and no DISCARD ALL on every pool return: the same SQL runs thousands of times a
    /// second, and parsing and planning it each time cost PostgreSQL a third of its work. Explicit settings win.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 100;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static void ConfigureJson(System.Text.Json.JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        json.Converters.Add(new IsoDurationConverter());
        // No converter wraps the request types: it would hide their schemas from the OpenAPI document. A body that
        // cannot be read is answered by CasesExceptionHandler, and ProblemText scrubs type names from any other 400.
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

        // Deeper than any request of ours needs, shallow enough that a hostile nesting is refused cheaply.
        json.MaxDepth = 32;
    }
}
