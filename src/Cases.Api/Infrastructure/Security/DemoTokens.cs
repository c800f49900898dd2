using FluentValidation;
using System.Security.Claims;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Reference;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wolverine.Http;

namespace Cases.Api.Infrastructure.Security;

public sealed record DevTokenRequest(string? Role, string? NodeId, string? DepartmentId, string? Name);

public sealed record DevToken(string Token);

/// <summary>The request's shape; which roles, nodes and departments exist is the endpoint's to check.</summary>
public sealed class DevTokenValidator : AbstractValidator<DevTokenRequest>
{
    public DevTokenValidator()
    {
        RuleFor(x => x.Role).NotEmpty().MaximumLength(20);
        RuleFor(x => x.NodeId).MaximumLength(100);
        RuleFor(x => x.DepartmentId).MaximumLength(100);
        RuleFor(x => x.Name).MaximumLength(100);
    }
}

/// <summary>Signs demo tokens with the key made at start-up. Exists for demos and tests only.</summary>
public sealed class DemoTokens(SigningKeys keys, AuthOptions auth)
{
    public string Issue(string subject, string role, string? name, string? nodeId, string? departmentId)
    {
        var claims = new Dictionary<string, object> { [CasesClaims.Subject] = subject, [CasesClaims.Role] = role };
        Add(claims, CasesClaims.Name, name);
        Add(claims, CasesClaims.Node, nodeId);
        Add(claims, CasesClaims.Department, departmentId);
        // Wall-clock time, not the service's TimeProvider: the bearer handler checks lifetimes against the real clock,
        // and a scripted or replayed history may run the service's clock anywhere.
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.DemoTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
    }

    private static void Add(Dictionary<string, object> claims, string type, string? value)
    {
        if (value is not null)
        {
            claims[type] = value;
        }
    }
}

public static class DevTokenEndpoint
{
    /// <summary>
    /// Demo mode only: a signed token for a demo user. A grid worker or coordinator names its node, a department
    /// user its department. <c>name</c> becomes the user's id and name. Outside demo mode this route is 404.
    /// </summary>
    [WolverinePost("/api/dev/tokens", OperationId = "devToken")]
    [AllowAnonymous]
    [Tags("Demo")]
    [ProducesResponseType<DevToken>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Post(DevTokenRequest body, CasesOptions options, DemoTokens tokens, ReferenceData referenceData, CancellationToken ct)
    {
        if (!options.Demo)
        {
            return Problems.NotFound("There is no such resource.");
        }

        var reference = await referenceData.GetAsync(ct);
        if (body.Role is not { } role || !Roles.All.Contains(role))
        {
            return Problems.Invalid("role", $"'role' is one of: {string.Join(", ", Roles.All)}.");
        }

        var needsNode = role is Roles.GridWorker or Roles.Coordinator;
        if (needsNode ? reference.Tree.Find(body.NodeId) is null : body.NodeId is not null)
        {
            return Problems.Invalid("nodeId", needsNode ? "A grid worker or coordinator names an existing grid node." : "Only a grid worker or coordinator has a node.");
        }

        var needsDepartment = role is Roles.Department;
        if (needsDepartment ? body.DepartmentId is null || !reference.Departments.ContainsKey(body.DepartmentId) : body.DepartmentId is not null)
        {
            return Problems.Invalid("departmentId", needsDepartment ? "A department user names an existing department." : "Only a department user has a department.");
        }

        if (body.Name is { } name && (name.Trim().Length is 0 or > 100 || name.Any(char.IsControl)))
        {
            return Problems.Invalid("name", "'name' is 1 to 100 printable characters.");
        }

        var scope = body.NodeId ?? body.DepartmentId;
        var subject = body.Name?.Trim() ?? (scope is null ? $"demo-{role}" : $"demo-{role}@{scope}");
        return Results.Ok(new DevToken(tokens.Issue(subject, role, body.Name?.Trim(), body.NodeId, body.DepartmentId)));
    }
}
