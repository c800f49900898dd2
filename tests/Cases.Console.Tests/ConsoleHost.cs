using Cases.Api;
using Cases.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cases.StaffConsole.Tests;

/// <summary>
/// The service's own host (<see cref="CasesHost"/>) on a real Kestrel port, in demo mode, over a throwaway
/// PostgreSQL database: the browser reaches it as a person's browser would.
/// </summary>
public sealed class ConsoleHost : IAsyncLifetime
{
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("cases_console");
        var builder = CasesHost.CreateBuilder([], AppContext.BaseDirectory);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Cases"] = connectionString,
            ["Cases:Demo"] = "true",
            ["Cases:RateLimit:Burst"] = "1000000",
            ["Cases:RateLimit:PerSecond"] = "1000000",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = CasesHost.Build(builder);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
