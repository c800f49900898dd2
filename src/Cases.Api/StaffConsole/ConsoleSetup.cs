using Cases.Api.Infrastructure.Security;
using Microsoft.Extensions.FileProviders;

namespace Cases.Api.StaffConsole;

/// <summary>What the console needs to know before anyone signs in: how to sign in.</summary>
/// <param name="Demo">Demo mode: sign in by picking a demo user (tokens from <c>/api/dev/tokens</c>).</param>
/// <param name="Authority">The OpenID Connect provider outside demo mode; null when none is configured.</param>
/// <param name="ClientId">The console's client id at that provider (<c>Cases:Console:ClientId</c>).</param>
/// <param name="Scope">The scopes the console asks for (<c>Cases:Console:Scope</c>).</param>
public sealed record ConsoleSettings(bool Demo, string? Authority, string ClientId, string Scope);

/// <summary>
/// The staff console: static files (plain ES modules, vendored ECharts) at <c>/console</c>, copied beside the
/// service's assembly at build time. It is a client of the public API and nothing else; the one thing it reads from
/// the host is <c>/console/settings.json</c>, the sign-in settings, which are not secret.
/// </summary>
public static class ConsoleSetup
{
    public const string Path = "/console";

    /// <summary>Before authentication: the files are public, and the API they call checks every request itself.</summary>
    public static void UseCasesConsole(this WebApplication app, CasesOptions options)
    {
        var root = System.IO.Path.Combine(AppContext.BaseDirectory, "console");
        if (!Directory.Exists(root))
        {
            return;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            // Modules change with each build; revalidating is cheap on loopback and on an intranet.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });

        var auth = app.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var console = app.Configuration.GetSection("Cases:Console");
        var settings = new ConsoleSettings(
            options.Demo,
            string.IsNullOrWhiteSpace(auth.Authority) ? null : auth.Authority,
            console["ClientId"] ?? "cases-console",
            console["Scope"] ?? "openid profile");
        app.MapGet($"{Path}/settings.json", () => Results.Json(settings)).AllowAnonymous().ExcludeFromDescription();
    }
}
