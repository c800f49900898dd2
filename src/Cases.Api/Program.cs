using Cases.Api;
using Cases.Api.Infrastructure;
using Cases.Api.Infrastructure.Database;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Infrastructure.Validation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Scalar.AspNetCore;
using Wolverine.Http;

var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection("Cases").Get<CasesOptions>() ?? new CasesOptions();

// The database: an explicit connection string, else Testcontainers, else a private embedded cluster.
var lease = await CasesDatabase.AcquireAsync(
    builder.Configuration.GetConnectionString(CasesDatabase.ConnectionStringName),
    options.DataDirectory ?? DataFolders.Default(),
    message => Console.WriteLine($"[cases] {message}"));
Console.WriteLine($"[cases] Database: {lease.Description}");

builder.AddCases(lease.ConnectionString, options);

var app = builder.Build();

// CLI: "projections rebuild|verify" and "generate CASES [DAYS]" run against the same database, then exit.
if (args is ["projections", _, ..] or ["generate", ..])
{
    var exitCode = args[0] == "generate"
        ? await Cases.Api.Cli.GenerateCommand.RunAsync(app.Services, args, CancellationToken.None)
        : await Cases.Api.Cli.ProjectionsCommand.RunAsync(app.Services, args[1], CancellationToken.None);
    await app.DisposeAsync();
    await lease.DisposeAsync();
    return exitCode;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCasesSecurity();
app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Cases API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
    .AddPreferredSecuritySchemes([OpenApiSecurity.BearerScheme])).AllowAnonymous();
app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();
app.MapWolverineEndpoints(wolverine =>
{
    wolverine.RejectUnparseableQueryValues = true;
    wolverine.AddPolicy<FluentValidationPolicy>();
});

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"[cases] Listening on {address}  (API docs: {address.TrimEnd('/')}/docs, OpenAPI: {address.TrimEnd('/')}/openapi/v1.json)");
    }

    Console.WriteLine(options.Demo ? "[cases] Demo mode: the Sucheng demo data is loaded." : "[cases] Production mode.");
});

try
{
    await app.RunAsync();
}
finally
{
    await lease.DisposeAsync();
}

return 0;

/// <summary>The entry point, visible to the integration tests' host.</summary>
public partial class Program;
