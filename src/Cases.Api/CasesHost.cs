using Cases.Api.StaffConsole;
using Cases.Api.Infrastructure;
using Cases.Api.Infrastructure.Health;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Infrastructure.Validation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Scalar.AspNetCore;
using Wolverine.Http;

namespace Cases.Api;

/// <summary>
/// The service's composition, in one place: the production entry point (Program) and the command line
/// (tools/Cases.Cli) both build their host here, so the developer's <c>run</c> serves the very same host as a node.
/// The database is always given: this assembly cannot provision one, so a node without its connection string stops.
/// </summary>
public static class CasesHost
{
    /// <summary>The connection string's name: <c>ConnectionStrings:Cases</c>, or <c>ConnectionStrings__Cases</c> in the environment.</summary>
    public const string ConnectionStringName = "Cases";

    /// <summary>What an operator sets, spelled as an environment variable.</summary>
    public const string ConnectionStringVariable = "ConnectionStrings__Cases";

    /// <summary>Why the service will not start without a database, and what to do about it.</summary>
    public static readonly string MissingConnectionStringMessage =
        $"[cases] Cannot start: the setting {ConnectionStringVariable} (ConnectionStrings:Cases) is missing or blank. " +
        "Set it to the PostgreSQL connection string of this service's database; the service never provisions a database of its own. " +
        "For a local run on an embedded database, use `dotnet pwsh ./build.ps1 run` from the checkout.";

    /// <summary>A builder with the service's configuration sources (appsettings, environment, command line).</summary>
    /// <param name="contentRoot">Where appsettings.json is; null for the current folder (the default of any ASP.NET Core host).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? contentRoot = null) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(CasesHost).Assembly.GetName().Name,
            ContentRootPath = contentRoot,
        });

    /// <summary>The configured connection string, or null when it is missing or blank.</summary>
    public static string? ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Where the database is, without its credentials, for the start-up log.</summary>
    public static string DescribeDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host {builder.Host}, port {builder.Port}, database {builder.Database}";
    }

    /// <summary>The service, ready to run: every registration, the HTTP pipeline, and the start-up lines on the console.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var (app, options) = Compose(builder);
        Audit.Trail.UseRequestTrail(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCasesConsole(options);
        app.UseCasesSecurity();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Cases API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes([OpenApiSecurity.BearerScheme])).AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();
        app.MapCasesHealth();
        app.MapWolverineEndpoints(wolverine =>
        {
            wolverine.RejectUnparseableQueryValues = true;
            wolverine.AddPolicy<FluentValidationPolicy>();
            wolverine.AddPolicy<Cases.CaseCommandPolicy>();
        });

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"[cases] Listening on {address}  (API docs: {address.TrimEnd('/')}/docs, OpenAPI: {address.TrimEnd('/')}/openapi/v1.json)");
            }

            Console.WriteLine(options.Demo ? "[cases] Demo mode: the Sucheng demo data is loaded." : "[cases] Production mode.");
            Console.WriteLine($"[cases] GC: {DescribeGc()}");
        });
        return app;
    }

    /// <summary>The collector's mode and heap cap, for the start-up log (the API's cap is set in Cases.Api.csproj).</summary>
    private static string DescribeGc()
    {
        var mode = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation";
        var limit = GC.GetConfigurationVariables()
            .Where(setting => setting.Key.EndsWith("HeapHardLimit", StringComparison.OrdinalIgnoreCase))
            .Select(setting => Convert.ToInt64(setting.Value, System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return limit > 0
            ? $"{mode}, heap capped at {limit / (1024 * 1024):#,0} MB (DOTNET_GCHeapHardLimit overrides it)"
            : $"{mode}, heap not capped ({GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024):#,0} MB available)";
    }

    /// <summary>
    /// The service's registrations without the HTTP pipeline, for commands that use its services (the store, reference
    /// data, projection status) and exit without starting the host.
    /// </summary>
    public static WebApplication BuildForCommands(WebApplicationBuilder builder) => Compose(builder).App;

    private static (WebApplication App, CasesOptions Options) Compose(WebApplicationBuilder builder)
    {
        var connectionString = ConnectionString(builder.Configuration) ?? throw new InvalidOperationException(MissingConnectionStringMessage);
        var options = builder.Configuration.GetSection("Cases").Get<CasesOptions>() ?? new CasesOptions();
        builder.AddCases(connectionString, options);
        return (builder.Build(), options);
    }
}
