using System.Globalization;
using System.Threading.RateLimiting;
using Cases.Api.Infrastructure.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Cases.Api.Infrastructure.Security;

/// <summary>
/// One token bucket per principal (the token's <c>sub</c>), or per remote address for anonymous calls, so one
/// noisy integration cannot starve the call center. A refusal is 429 with Retry-After.
/// </summary>
public static class RateLimiting
{
    public static void AddCasesRateLimiting(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionOf(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, limits.Burst),
                    TokensPerPeriod = Math.Max(1, limits.PerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Problem(StatusCodes.Status429TooManyRequests, "Too many requests", "This caller has used up its request budget; retry after the time in Retry-After.")
                    .ExecuteAsync(http);
            };
        });
    }

    private static string PartitionOf(HttpContext http) =>
        http.User.FindFirst(CasesClaims.Subject)?.Value is { } subject
            ? "principal:" + subject
            : "address:" + http.Connection.RemoteIpAddress;
}
