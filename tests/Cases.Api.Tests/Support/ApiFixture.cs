using Alba;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cases.Api.Tests.Support;

/// <summary>The real API host, over a real PostgreSQL database of its own, with the Sucheng demo data.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync("cases_api");
        Host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", ConnectionString)
            .UseSetting("Cases:Demo", "true")
            .UseSetting("Cases:RateLimit:Burst", TestHosts.Unthrottled)
            .UseSetting("Cases:RateLimit:PerSecond", TestHosts.Unthrottled));
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
