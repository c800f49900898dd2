using System.Net;
using Alba;
using Cases.Api.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cases.Api.Tests.Clocks;

/// <summary>
/// A host of its own whose limits are seconds long, so that the clocks fire inside a test:
/// dispute — acknowledge in 2 s (the escalation chain); service — accept in 2 s and feedback in 2 s;
/// hazard — resolve in 3 s (overdue). Everything else is an hour, so it stays out of the way.
/// </summary>
public sealed class ClockFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public ApiClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHosts.StartAsync(await TestDatabase.CreateDatabaseAsync("cases_clocks"));
        Api = new ApiClient(Host.Server.CreateClient());
        await SetLimits(Api, "dispute", acknowledge: "PT2S", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
        await SetLimits(Api, "service", acknowledge: "PT1H", accept: "PT2S", resolve: "PT1H", feedback: "PT2S");
        await SetLimits(Api, "hazard", acknowledge: "PT1H", accept: "PT1H", resolve: "PT3S", feedback: "PT1H");
        await SetLimits(Api, "information", acknowledge: "PT1H", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
    }

    public static async Task SetLimits(ApiClient api, string category, string acknowledge, string accept, string resolve, string feedback)
    {
        var limits = new { acknowledge, acceptDispatch = accept, resolve, feedbackWindow = feedback };
        (await api.Put($"/api/categories/{category}/limits", new { normal = limits, urgent = limits, resolveInWorkingDays = false }))
            .ShouldBe(HttpStatusCode.OK);
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
public sealed class ClockCollection : ICollectionFixture<ClockFixture>
{
    public const string Name = "clocks";
}
