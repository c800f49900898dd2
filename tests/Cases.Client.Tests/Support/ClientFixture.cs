using Alba;
using Cases.Api.Tests.Support;
using Cases.Client.Generated;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Cases.Client.Tests.Support;

/// <summary>The real API host over a real PostgreSQL, reached only through the Kiota-generated client.</summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateDatabaseAsync("cases_client");
        Host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", connectionString)
            .UseSetting("Cases:Demo", "true"));
    }

    /// <summary>
    /// A generated client acting as one caller. Who the caller is travels in the X-Cases-* headers until
    /// authentication lands; then this is the one place that attaches a token instead.
    /// </summary>
    public CasesClient ClientFor(string actorId, string role, string? nodeId = null, string? departmentId = null)
    {
        var http = Host.Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Cases-Actor", actorId);
        http.DefaultRequestHeaders.Add("X-Cases-Role", role);
        if (nodeId is not null)
        {
            http.DefaultRequestHeaders.Add("X-Cases-Node", nodeId);
        }

        if (departmentId is not null)
        {
            http.DefaultRequestHeaders.Add("X-Cases-Department", departmentId);
        }

        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new CasesClient(adapter);
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
public sealed class ClientCollection : ICollectionFixture<ClientFixture>
{
    public const string Name = "client";
}
