using System.Net.Http.Json;
using System.Text.Json;
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
    /// A generated client acting as one caller, with a bearer token the demo issuer gives that caller, obtained
    /// the way any client would: <c>POST /api/dev/tokens</c>.
    /// </summary>
    public async Task<CasesClient> ClientFor(string actorId, string role, string? nodeId = null, string? departmentId = null)
    {
        var http = Host.Server.CreateClient();
        using var issued = await http.PostAsJsonAsync("/api/dev/tokens", new { role, nodeId, departmentId, name = actorId });
        issued.EnsureSuccessStatusCode();
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

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
