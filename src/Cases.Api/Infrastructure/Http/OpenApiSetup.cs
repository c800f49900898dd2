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
        ["replaceCategoryLimits"] = """
            {"normal":{"acknowledge":"PT2H","acceptDispatch":"PT2H","resolve":"P5D","feedbackWindow":"P3D"},
             "urgent":{"acknowledge":"PT30M","acceptDispatch":"PT30M","resolve":"PT24H","feedbackWindow":"P3D"},
             "resolveInWorkingDays":true}
            """,
    };

    public static void Configure(OpenApiOptions options)
    {
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
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.OperationId is { } id && RequestExamples.TryGetValue(id, out var example) &&
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

            return Task.CompletedTask;
        });
    }
}
