using Cases.Api.Infrastructure.Http;

namespace Cases.Api.Infrastructure.Security;

/// <summary>Authentication, authorization, rate limits and request limits: registered and placed in the pipeline together.</summary>
public static class SecuritySetup
{
    public static void AddCasesSecurity(this WebApplicationBuilder builder, CasesOptions options)
    {
        var limits = builder.Configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.AddCasesAuthentication(options);
        builder.AddCasesRateLimiting();
    }

    /// <summary>After the exception handler and status-code pages, before the endpoints.</summary>
    public static void UseCasesSecurity(this WebApplication app)
    {
        app.UseMiddleware<RequestGuard>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }
}
