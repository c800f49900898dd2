using System.Security.Claims;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;

namespace Cases.Api.Infrastructure.Actors;

/// <summary>The single seam that says who is calling: the authenticated principal, as the domain's actor.</summary>
public interface IActorAccessor
{
    Actor Current(HttpContext context);
}

/// <summary>
/// Reads the validated token's claims: <c>sub</c> (id), <c>role</c>, <c>name</c>, <c>node</c> and <c>department</c>.
/// Nothing the client sends besides the signed token counts; the old <c>X-Cases-*</c> headers are ignored.
/// </summary>
public sealed class ClaimsActorAccessor : IActorAccessor
{
    public Actor Current(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            // Only endpoints that allow anonymous callers get here, and none of them records an actor.
            return new Actor("anonymous", "anonymous");
        }

        return new Actor(
            Claim(user, CasesClaims.Subject) ?? "unknown",
            Claim(user, CasesClaims.Role) ?? "none",
            Claim(user, CasesClaims.Name),
            Claim(user, CasesClaims.Node),
            Claim(user, CasesClaims.Department));
    }

    private static string? Claim(ClaimsPrincipal user, string type)
    {
        var value = user.FindFirst(type)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value[..Math.Min(value.Length, 100)];
    }
}
