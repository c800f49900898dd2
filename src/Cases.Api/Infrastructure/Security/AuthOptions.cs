namespace Cases.Api.Infrastructure.Security;

/// <summary>The claim names a Cases token carries; an OIDC provider maps its users' attributes onto them.</summary>
public static class CasesClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Node = "node";
    public const string Department = "department";
}

/// <summary>
/// Token validation settings, from the "Cases:Auth" configuration section. Either an OpenID Connect
/// <see cref="Authority"/> (keys come from its discovery document and rotate with it), or a symmetric
/// <see cref="SigningKey"/>. In demo mode, when neither is set, a random key is made at start-up.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Cases:Auth";

    public string Issuer { get; set; } = "cases";

    public string Audience { get; set; } = "cases-api";

    /// <summary>An OpenID Connect issuer URL (https); its signing keys are fetched and refreshed from it.</summary>
    public string? Authority { get; set; }

    /// <summary>A base64 HMAC-SHA256 key of at least 32 bytes. Keep it out of the repository (environment, secret store).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The previous key during a rotation: tokens signed with it stay valid until they expire.</summary>
    public string? PreviousSigningKey { get; set; }

    /// <summary>Tolerated clock difference between the token issuer and this service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a demo token lasts.</summary>
    public TimeSpan DemoTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>Per-principal request budget, from "Cases:RateLimit": a token bucket per caller.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Cases:RateLimit";

    /// <summary>Requests a caller may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests a second a caller is given back, up to <see cref="Burst"/>.</summary>
    public int PerSecond { get; set; } = 100;
}
