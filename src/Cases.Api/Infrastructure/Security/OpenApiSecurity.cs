using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cases.Api.Infrastructure.Security;

/// <summary>Declares the bearer scheme, requires it on every operation that is not anonymous, and documents 401/403/429.</summary>
public static class OpenApiSecurity
{
    public const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the configured issuer. In demo mode, POST /api/dev/tokens issues one; paste it here.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                // An empty requirement says outright that no token is needed (health, demo tokens).
                operation.Security = [new OpenApiSecurityRequirement()];
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            operation.Responses ??= [];
            Problem(operation, "401", "No valid bearer token.");
            Problem(operation, "403", "The caller's role may not do this, or the node or department is outside its scope.");
            Problem(operation, "429", "The caller's request budget is used up; see Retry-After.");
            if (metadata.OfType<IAuthorizeData>().FirstOrDefault(a => a.Roles is not null) is { } roles)
            {
                operation.Description = $"{operation.Description}\n\nRoles: {roles.Roles!.Replace(",", ", ", StringComparison.Ordinal)}.".TrimStart();
            }

            return Task.CompletedTask;
        });
    }

    private static void Problem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails") },
            },
        };
    }
}
