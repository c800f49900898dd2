using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Cases.Api.Infrastructure.Security;

/// <summary>The keys tokens are checked against; in demo mode also the one demo tokens are signed with.</summary>
public sealed record SigningKeys(SymmetricSecurityKey? Current, IReadOnlyList<SecurityKey> Valid, bool Generated);

public static class AuthSetup
{
    /// <summary>JWT bearer on every endpoint that does not say otherwise; roles from the token's <c>role</c> claim.</summary>
    public static void AddCasesAuthentication(this WebApplicationBuilder builder, CasesOptions cases)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var keys = Keys(auth, cases);
        if (keys.Generated && !cases.Demo && auth.Authority is null)
        {
            // Fail closed: nobody holds this key, so every /api call is 401 until a key or an authority is configured.
            Console.Error.WriteLine("[cases] No Cases:Auth:SigningKey or Cases:Auth:Authority is configured: every /api call will be refused (401).");
        }

        builder.Services.AddSingleton(auth);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<DemoTokens>();
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (auth.Authority is { Length: > 0 } authority)
                {
                    jwt.Authority = authority;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    IssuerSigningKeys = auth.Authority is null ? keys.Valid : null,
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateLifetime = true,
                    ClockSkew = auth.ClockSkew,
                    NameClaimType = CasesClaims.Name,
                    RoleClaimType = CasesClaims.Role,
                };
                if (auth.Authority is null)
                {
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
            });
        builder.Services.AddAuthorization(authorization =>
        {
            // Anything not marked otherwise needs a valid token: a new endpoint is closed until someone opens it.
            authorization.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
    }

    private static SigningKeys Keys(AuthOptions auth, CasesOptions cases)
    {
        var configured = new[] { auth.SigningKey, auth.PreviousSigningKey }
            .Where(k => !string.IsNullOrWhiteSpace(k))
            .Select(k => new SymmetricSecurityKey(Decode(k!)))
            .ToList();
        if (configured.Count > 0)
        {
            return new SigningKeys(configured[0], configured, Generated: false);
        }

        var generated = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = cases.Demo ? "demo" : "none" };
        return new SigningKeys(generated, [generated], Generated: true);
    }

    private static byte[] Decode(string key)
    {
        var bytes = Convert.FromBase64String(key.Trim());
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Cases:Auth:SigningKey must be at least 32 random bytes, base64-encoded.");
        }

        return bytes;
    }
}
