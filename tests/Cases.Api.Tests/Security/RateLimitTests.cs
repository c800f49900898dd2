using System.Net;
using Alba;
using Cases.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Cases.Api.Tests.Security;

/// <summary>Hosts of their own: one with a small request budget, one outside demo mode.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task One_principal_is_throttled_while_another_is_served()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_ratelimit");
        await using var host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", database)
            .UseSetting("Cases:Demo", "true")
            .UseSetting("Cases:RateLimit:Burst", "20")
            .UseSetting("Cases:RateLimit:PerSecond", "1"));
        var api = new ApiClient(host.Server.CreateClient());
        var noisy = Caller.Department("urban");
        var quiet = Caller.Auditor;
        await api.TokenFor(noisy);
        await api.TokenFor(quiet);

        // The noisy integration polls its feed as fast as it can: a burst, then 429s with Retry-After.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => api.Get("/api/departments/urban/dispatches", noisy)));
        var throttled = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 20, 25);
        Assert.NotEmpty(throttled);
        Assert.All(throttled, a =>
        {
            a.ShouldBe(HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(a.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        });

        // Meanwhile another principal is served as usual.
        for (var i = 0; i < 10; i++)
        {
            (await api.Get("/api/categories", quiet)).ShouldBe(HttpStatusCode.OK);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.Get("/api/departments/urban/dispatches", noisy)).Status);
    }

    [Fact]
    public async Task Outside_demo_mode_there_are_no_demo_tokens()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_nodemo");
        await using var host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", database)
            .UseSetting("Cases:Demo", "false"));
        var api = new ApiClient(host.Server.CreateClient());
        (await api.PostRaw("/api/dev/tokens", """{"role":"admin"}""", actor: Caller.Anonymous)).ShouldBe(HttpStatusCode.NotFound);
        (await api.Get("/health", Caller.Anonymous)).ShouldBe(HttpStatusCode.OK);
        (await api.Get("/api/categories", Caller.Anonymous)).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
