using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cases.Api.Infrastructure.Http;

/// <summary>The OpenAPI description: what a department's integration engineer reads first.</summary>
public static class OpenApiSetup
{
    private static readonly Dictionary<string, string> RequestExamples = new(StringComparer.Ordinal)
    {
        ["fileAppeal"] = """
            {"channel":"hotline","category":"dispute","urgency":"normal","title":"Neighbour's renovation noise after 22:00",
             "description":"Drilling every night after 22:00 in building 4, unit 2.","microGridId":"sc.xl.xl.yf.04",
             "resident":{"name":"王小明","phone":"13800001234","address":"亚芳花园 4号楼 2单元 301"}}
            """,
        ["acknowledge"] = """{"note":"On my way.","expectedVersion":1}""",
        ["escalate"] = """{"reason":"Needs the community's mediation committee."}""",
        ["dispatch"] = """{"departmentId":"urban","instructions":"Inspect the site and stop work after 22:00."}""",
        ["returnDispatch"] = """{"reason":"Not our responsibility: a private property dispute."}""",
        ["resolve"] = """{"resolution":"Mediated; the contractor agreed to stop at 21:00."}""",
        ["feedback"] = """{"satisfied":true,"score":5,"comment":"Quiet since Monday."}""",
        ["close"] = """{"note":"Verified by phone."}""",
        ["withdraw"] = """{"reason":"The resident settled it with the neighbour."}""",
        ["pause"] = """{"reason":"The resident is away until Friday; the visit needs them home."}""",
        ["requestExtension"] = """{"days":3,"reason":"Waiting for the water company's parts."}""",
        ["decideExtension"] = """{"granted":true}""",
        ["supervise"] = """{"note":"Overdue: report progress by 17:00."}""",
        ["merge"] = """{"intoCaseId":"0193a0f4-6f1e-7cc5-9d2a-3c1f0b7e9a11"}""",
        ["eraseResident"] = """{"phone":"13800001234"}""",
        ["replaceCategoryLimits"] = """
            {"normal":{"acknowledge":"PT2H","acceptDispatch":"PT2H","resolve":"P5D","feedbackWindow":"P3D"},
             "urgent":{"acknowledge":"PT30M","acceptDispatch":"PT30M","resolve":"PT24H","feedbackWindow":"P3D"},
             "resolveInWorkingDays":true}
            """,
    };

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Intake", "Filing a resident's appeal: the start of every case."),
        ("Cases", "Reading cases: one case view, or a filtered page of them."),
        ("Lifecycle", "Commands that move a case from acknowledgement to closure."),
        ("Escalation", "Moving a case up the grid tree, and supervision from above."),
        ("Dispatch", "Sending a case to a department, and the department accepting or returning it."),
        ("Clocks", "Pausing, resuming and extending the deadlines of a case."),
        ("Audit", "A case's events, the case as it was at any version or moment, and the hash chain that shows no event was rewritten."),
        ("Boards", "What a node or a department holds right now."),
        ("Residents", "Residents' personal data: erasure at the resident's request."),
        ("Departments", "The feed a department's own system reads its dispatches from."),
        ("Metrics", "Response-time and satisfaction figures, and the projections behind them."),
        ("Reference data", "The grid tree, departments, categories and their limits, and routing rules."),
        ("Operations", "Health of the running service."),
        ("Demo", "Demo mode only: tokens for demo users. Outside demo mode these routes do not exist."),
    ];

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer<ValidatorSchemaTransformer>();
        Security.OpenApiSecurity.Configure(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Cases: grid governance appeals",
                Version = "v1",
                Description =
                    "Every resident appeal from intake to closure, as an event stream: raised, acknowledged (签收), escalated (上报), " +
                    "dispatched (派单), accepted (报到) or returned (退单), resolved (办结), feedback (回访), reopened (返工), closed (结案).\n\n" +
                    "Errors are RFC 9457 problem+json: 400 for invalid input (with `errors` per field), 404 for unknown ids, 409 for a command " +
                    "the case's state does not allow or a stale `expectedVersion`.\n\n" +
                    "Every /api call needs `Authorization: Bearer <token>`: 401 without a valid one, 403 outside the caller's role or for a node or " +
                    "department outside its scope. A case outside the caller's scope is 404, exactly like a case that does not exist. In demo mode " +
                    "`POST /api/dev/tokens` issues tokens.",
                // The project has no public home or licence yet: these say so rather than invent one.
                Contact = new OpenApiContact { Name = "Cases maintainers" },
                License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));

            // The generator names the server after the request with a trailing slash; clients append paths that start with one.
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : server.Url;
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.OperationId is { } id && OpenApiOperations.Docs.TryGetValue(id, out var docs))
            {
                operation.Summary = docs.Summary;
                operation.Description = docs.Description;
            }

            if (operation.OperationId is { } exampleId && RequestExamples.TryGetValue(exampleId, out var example) &&
                operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = JsonNode.Parse(example);
            }

            if (operation.OperationId == "fileAppeal")
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "Idempotency-Key",
                    In = ParameterLocation.Header,
                    Description = "Makes retries safe: the same caller with the same key and body gets the same case and files nothing new; with a different body it is 409. Keys are per caller.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
                });
            }

            OpenApiProblems.Document(operation, context);
            foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[Audit.Trail.Header] = new OpenApiHeader
                {
                    Description = "The correlation id of this request: the trace id of the caller's W3C `traceparent` when it sent one, else one the service chose. Every event the request appends, and every timer or message it sets off, records it (see the case history).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }

            return Task.CompletedTask;
        });

        options.AddDocumentTransformer(ValidatorSchemaTransformer.CollapseNullables);
    }
}
