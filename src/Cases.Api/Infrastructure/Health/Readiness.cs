using Npgsql;

namespace Cases.Api.Infrastructure.Health;

/// <summary>Whether this node is winding down: a load balancer stops sending it work once ready answers 503.</summary>
public sealed class NodeState
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public void StartDraining() => _draining = true;
}

/// <summary>
/// On SIGTERM, marks the node draining and keeps serving for <see cref="CasesOptions.DrainDelay"/>, so the load balancer's
/// next readiness probe takes it out of rotation before Kestrel stops listening. Kestrel then finishes the requests in
/// flight, and Wolverine, stopping after it, releases this node's agents (projections, clocks) for the others to take.
/// </summary>
public sealed class Drain(NodeState state, CasesOptions options, ILogger<Drain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.StartDraining();
        if (options.DrainDelay > TimeSpan.Zero)
        {
            logger.LogInformation("Draining: readiness answers 503; still serving for {Delay}", options.DrainDelay);
            try
            {
                await Task.Delay(options.DrainDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out first: stop now.
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The load balancer's probes. They stay out of the OpenAPI document on purpose: they are for the infrastructure, not for
/// clients, and answer plain JSON rather than problem+json. <c>GET /health</c> (in the document) stays for clients.
/// </summary>
public static class HealthProbes
{
    /// <summary>How long a client or load balancer should wait before trying again while the database is away.</summary>
    public const int RetryAfterSeconds = 2;

    public static WebApplicationBuilder AddCasesHealth(this WebApplicationBuilder builder, CasesOptions options)
    {
        // The drain, then the requests in flight, then Wolverine releasing its agents and its durable inbox: all inside this.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainDelay + TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<NodeState>();
        builder.Services.AddHostedService<Drain>();
        return builder;
    }

    public static void MapCasesHealth(this WebApplication app)
    {
        // Live: the process answers. Never touches the database, so a database outage does not get every node restarted.
        app.MapGet("/health/live", () => Results.Ok(new Infrastructure.Http.Health("live", "not checked")))
            .ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();

        app.MapGet("/health/ready", async (NodeState state, NpgsqlDataSource dataSource, HttpContext http, CancellationToken ct) =>
        {
            if (state.Draining)
            {
                return Unavailable(http, "draining", "not checked");
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(timeout.Token);
                return Results.Ok(new Infrastructure.Http.Health("ready", "up"));
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return Unavailable(http, "unready", "unreachable");
            }
        }).ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
    }

    private static IResult Unavailable(HttpContext http, string status, string database)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new Infrastructure.Http.Health(status, database), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
