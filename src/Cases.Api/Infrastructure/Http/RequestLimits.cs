using Microsoft.AspNetCore.Http.Features;

namespace Cases.Api.Infrastructure.Http;

/// <summary>Bounds on what a request may be, from "Cases:Limits". Bigger requests are refused before anything reads them.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Cases:Limits";

    public long MaxBodyBytes { get; set; } = 256 * 1024;

    public int MaxQueryStringLength { get; set; } = 2048;

    public int MaxJsonDepth { get; set; } = 32;
}

/// <summary>Security headers on every answer, and the request-size limits, as the first thing a request meets.</summary>
public sealed class RequestGuard(RequestDelegate next, RequestLimitOptions limits)
{
    public Task InvokeAsync(HttpContext http)
    {
        // Set as the answer starts, so that an answer the exception handler rewrites carries them too.
        http.Response.OnStarting(() =>
        {
            SetHeaders(http);
            return Task.CompletedTask;
        });
        if (http.Request.ContentLength > limits.MaxBodyBytes)
        {
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, "Request body too large", $"A request body is at most {limits.MaxBodyBytes} bytes.");
        }

        if (http.Request.QueryString.Value?.Length > limits.MaxQueryStringLength)
        {
            return Refuse(http, StatusCodes.Status414UriTooLong, "Query string too long", $"A query string is at most {limits.MaxQueryStringLength} characters.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Chunked bodies carry no length up front: the server stops reading them at the limit.
            size.MaxRequestBodySize = limits.MaxBodyBytes;
        }

        return next(http);
    }

    private static void SetHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        if (http.Request.Path.StartsWithSegments(StaffConsole.ConsoleSetup.Path))
        {
            // The console runs its own modules only; it talks to this API and, outside demo mode, the OIDC provider.
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
        }
        else if (!http.Request.Path.StartsWithSegments("/docs"))
        {
            // The docs page runs the API reference's scripts; everything else is data and may run nothing.
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        }

        if (http.Request.Path.StartsWithSegments("/api"))
        {
            headers.CacheControl = "no-store";
        }
    }

    private static Task Refuse(HttpContext http, int status, string title, string detail) =>
        Problems.Problem(status, title, detail).ExecuteAsync(http);
}
