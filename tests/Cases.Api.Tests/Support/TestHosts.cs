using Alba;
using Microsoft.AspNetCore.Hosting;

namespace Cases.Api.Tests.Support;

public static class TestHosts
{
    /// <summary>A rate limit no test reaches; the rate limiter's own test sets a low one.</summary>
    public const string Unthrottled = "1000000";

    /// <summary>A real API host on the given database, with the demo data.</summary>
    public static Task<IAlbaHost> StartAsync(string connectionString, params (string Key, string Value)[] settings) =>
        AlbaHost.For<Program>(builder =>
        {
            builder
                .UseSetting("ConnectionStrings:Cases", connectionString)
                .UseSetting("Cases:Demo", "true")
                .UseSetting("Cases:RateLimit:Burst", TestHosts.Unthrottled)
                .UseSetting("Cases:RateLimit:PerSecond", TestHosts.Unthrottled);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>Bounded polling: no fixed sleeps, and a clear failure when the condition never holds.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> until, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (until(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
    }
}
