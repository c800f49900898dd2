using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cases.Api.Infrastructure.Http;

/// <summary>
/// Documents every problem+json answer an operation can give, by the conventions of this API rather than per endpoint:
/// a route that takes input can answer 400 (with <c>errors</c>); one that names something in its path or query, 404; a command on a
/// case, 409; one with a body, 415. The authentication work adds 401/403 here, in the same way.
/// </summary>
public static class OpenApiProblems
{
    public const string MediaType = "application/problem+json";

    public static void Document(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var path = "/" + description.RelativePath;
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var namesSomething = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path || p.Source == BindingSource.Query);
        var hasInput = hasBody || namesSomething;
        operation.Responses ??= [];

        // Wolverine documents a bare 404 on every route; only those that look something up can answer it.
        operation.Responses.Remove("404");
        if (hasInput)
        {
            Add(operation, context, "400", "HttpValidationProblemDetails", "The request is not valid; `errors` names each field and what is wrong with it.");
        }

        if (namesSomething)
        {
            Add(operation, context, "404", "ProblemDetails", "Something the request names (a case, dispatch, node, department or category) does not exist.");
        }
        else if (operation.OperationId == "eraseResident")
        {
            Add(operation, context, "404", "ProblemDetails", "No resident's contact is stored under the phone (never given, or erased already).");
        }

        if (hasBody)
        {
            Add(operation, context, "413", "ProblemDetails", "The body is larger than the service accepts (`Cases:Limits:MaxBodyBytes`).");
            Add(operation, context, "415", "ProblemDetails", "The body is not `application/json`.");
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Add(operation, context, "414", "ProblemDetails", "The query string is longer than the service accepts (`Cases:Limits:MaxQueryStringLength`).");
            Add(operation, context, "503", "ProblemDetails", "The database cannot be reached just now (a restart or failover): retry after `Retry-After` seconds, a write with the same `Idempotency-Key`.");
        }

        if (operation.OperationId == "devToken")
        {
            Add(operation, context, "404", "ProblemDetails", "Outside demo mode this route does not exist.");
        }

        if (description.HttpMethod == "POST" && path.StartsWith("/api/cases/{caseId}/", StringComparison.Ordinal))
        {
            if (operation.Responses.TryGetValue("200", out var caseView))
            {
                caseView.Description = "The case as it now is, after the command.";
            }

            Add(operation, context, "409", "ProblemDetails", "The case's state does not allow this command, `expectedVersion` is stale, or a concurrent command won. Nothing changed; `detail` says why.");
        }

        if (operation.OperationId == "retryDelivery")
        {
            Add(operation, context, "409", "ProblemDetails", "The delivery is pending or delivered, not a dead letter; only a `failed` delivery is retried.");
        }

        if (operation.OperationId == "fileAppeal")
        {
            Add(operation, context, "409", "ProblemDetails", "The `Idempotency-Key` was already used for a different appeal.");
        }

        // An IResult return type says nothing about the body; an endpoint that declares its answers has no such 200.
        if (operation.Responses.TryGetValue("200", out var ok) && ok.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }) == true)
        {
            operation.Responses.Remove("200");
        }
    }

    private static void Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string schema, string description) =>
        operation.Responses![status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [MediaType] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
            },
        };
}
