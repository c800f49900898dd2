using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Cases.Api.Tests.Security;

/// <summary>One operation of the OpenAPI document: where it is, what it takes.</summary>
public sealed record FuzzOperation(HttpMethod Method, string Path, IReadOnlyList<(string Name, string In)> Parameters, JsonObject? Body);

/// <summary>The generator: plausible values, hostile values, and broken bodies, drawn from one seeded Random.</summary>
public sealed partial class FuzzTests
{
    private static readonly string[] Hostile =
    [
        "' OR 1=1--", "'; DROP TABLE cases; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)", "${jndi:ldap://x/a}", "<script>alert(1)</script>",
        "../../etc/passwd", "%00", "\u0000", "\uFFFF", "🙂🙃", "项里街道", "null", "undefined", "NaN", "-1", "0", "1e309", "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000000", "true", "[]", "{}", "\\", "%", "%%32%65", "a/b", "..", " ", "",
        new string('9', 5000), new string('x', 3000), "2026-02-30", "P99999999D", "PT-1S",
    ];

    private static readonly string[] Plausible =
    [
        "urban", "water", "dispute", "hazard", "sc", "sc.xl", "sc.xl.xl.yf", "sc.xl.xl.yf.04", "hotline", "normal", "urgent", "day", "month", "grid",
        "response", "open", "agent", "coordinator", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00+08:00", "1", "20", "200",
    ];

    private static IEnumerable<FuzzOperation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = (operation!["parameters"]?.AsArray() ?? [])
                    .Select(p => ((string)p!["name"]!, (string)p["in"]!))
                    .ToList();
                var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                yield return new FuzzOperation(new HttpMethod(method.ToUpperInvariant()), path, parameters, Resolve(document, schema, 0));
            }
        }
    }

    /// <summary>The request body's shape: property name to its (resolved) schema, a few levels deep.</summary>
    private static JsonObject? Resolve(JsonNode document, JsonNode? schema, int depth)
    {
        if (schema is null || depth > 3)
        {
            return null;
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference.Split('/')[^1]];
        }

        var shape = new JsonObject();
        foreach (var (name, property) in schema?["properties"]?.AsObject() ?? [])
        {
            shape[name] = Resolve(document, property, depth + 1) ?? new JsonObject();
        }

        return shape;
    }

    private static HttpRequestMessage Build(Random random, FuzzOperation op, Guid knownCase, string? authorization)
    {
        var path = op.Path;
        foreach (var (name, _) in op.Parameters.Where(p => p.In == "path"))
        {
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(PathValue(random, name, knownCase)), StringComparison.Ordinal);
        }

        var query = op.Parameters.Where(p => p.In == "query" && random.Next(10) < 6).Select(p => p.Name).ToList();
        if (random.Next(10) == 0)
        {
            query.Add(Pick(random, Hostile));
        }

        if (query.Count > 0)
        {
            path += "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q)}={Uri.EscapeDataString(Value(random))}"));
        }

        var request = new HttpRequestMessage(op.Method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization : "Bearer " + authorization);
        }

        if (random.Next(20) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(2) == 0 ? new string('k', 5000) : Pick(random, Hostile));
        }

        if (random.Next(10) == 0)
        {
            // The old self-declared identity: it must count for nothing.
            request.Headers.TryAddWithoutValidation("X-Cases-Role", "admin");
            request.Headers.TryAddWithoutValidation("X-Cases-Node", "sc");
        }

        if (op.Body is not null || random.Next(5) == 0)
        {
            request.Content = Body(random, op.Body);
        }

        return request;
    }

    private static string PathValue(Random random, string name, Guid knownCase) => random.Next(10) switch
    {
        < 4 when name.EndsWith("Id", StringComparison.Ordinal) && name.StartsWith("case", StringComparison.Ordinal) => knownCase.ToString(),
        < 5 => Guid.Empty.ToString(),
        < 6 => Guid.NewGuid().ToString(),
        < 8 => Pick(random, Plausible),
        // A NUL in the path never reaches an app: the HTTP server refuses it (the in-process test server throws instead).
        _ => Pick(random, Hostile).Replace("\u0000", "", StringComparison.Ordinal),
    };

    private static string Value(Random random) => random.Next(2) == 0 ? Pick(random, Plausible) : Pick(random, Hostile);

    private static HttpContent Body(Random random, JsonObject? shape)
    {
        var kind = random.Next(10);
        if (kind < 6 && shape is not null)
        {
            return Json(Mutate(random, shape, 0).ToJsonString());
        }

        return kind switch
        {
            6 => new ByteArrayContent([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            7 => Json(random.Next(3) switch
            {
                0 => new string('[', 5000) + new string(']', 5000),
                1 => "{\"a\":" + new string('9', 5000) + "}",
                _ => "{\"title\": \"" + new string('x', 300_000) + "\"}",
            }),
            8 => new StringContent("{\"channel\":\"hotline\"", Encoding.UTF8, random.Next(2) == 0 ? "text/plain" : "application/xml"),
            _ => Json(Pick(random, ["", "null", "[]", "\"text\"", "{", "}", "{\"a\":}", "[1,2,", "true", "1e400", "{\"expectedVersion\":\"" + new string('9', 5000) + "\"}"])),
        };
    }

    /// <summary>The body's own property names, each with a value of a random kind: right, wrong, huge or hostile.</summary>
    private static JsonObject Mutate(Random random, JsonObject shape, int depth)
    {
        var body = new JsonObject();
        foreach (var (name, inner) in shape)
        {
            if (random.Next(6) == 0)
            {
                continue;
            }

            body[name] = random.Next(12) switch
            {
                0 => null,
                1 => JsonValue.Create(random.Next(2) == 0),
                2 => JsonValue.Create(random.Next(-5, 10)),
                3 => JsonNode.Parse(random.Next(2) == 0 ? new string('9', 5000) : "-1e308"),
                4 => new JsonArray(JsonValue.Create(Pick(random, Hostile))),
                5 when inner is JsonObject { Count: > 0 } nested && depth < 3 => Mutate(random, nested, depth + 1),
                6 => JsonNode.Parse(new string('[', 40) + new string(']', 40)),
                7 => JsonValue.Create(Guid.Empty.ToString()),
                < 10 => JsonValue.Create(Pick(random, Plausible)),
                _ => JsonValue.Create(Pick(random, Hostile)),
            };
        }

        return body;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
