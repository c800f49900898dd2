using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Cases.Api.Tests.Support;

/// <summary>
/// The served OpenAPI document, as a contract every test request and answer is held to. Microsoft.OpenApi reads
/// and validates the document and matches an exchange to its operation; JsonSchema.Net checks the bodies against
/// the schemas in place, so that a $ref resolves exactly as a generated client would resolve it.
/// </summary>
public sealed partial class OpenApiContract
{
    public const string DocumentPath = "/openapi/v1.json";

    // Any absolute URI will do: it only names the document so that its internal $refs resolve.
    private static readonly Uri BaseUri = new("https://cases.test/openapi/v1.json");
    private static readonly Lock Gate = new();
    private static readonly Lock Evaluating = new();
    private static Task<OpenApiContract>? _served;

    private readonly List<(Regex Template, string Path, HttpMethod Method, OpenApiOperation Operation)> _operations = [];
    private readonly BuildOptions _schemas;
    private readonly ConcurrentDictionary<string, JsonSchema> _built = new(StringComparer.Ordinal);

    private OpenApiContract(string text, OpenApiDocument document)
    {
        Text = text;
        Document = document;
        var registry = new SchemaRegistry();
        registry.Register(BaseUri, new JsonElementBaseDocument(JsonDocument.Parse(text).RootElement, BaseUri));
        _schemas = new BuildOptions { SchemaRegistry = registry };
        foreach (var (path, item) in document.Paths)
        {
            var template = new Regex("^" + TemplateParameter().Replace(Regex.Escape(path).Replace(@"\{", "{"), "[^/]+") + "$", RegexOptions.CultureInvariant);
            foreach (var (method, operation) in item.Operations ?? [])
            {
                _operations.Add((template, path, method, operation));
            }
        }

        // A literal segment wins over a parameter, as in ASP.NET routing: fewer parameters first.
        _operations.Sort((a, b) => a.Path.Count(c => c == '{').CompareTo(b.Path.Count(c => c == '{')));
    }

    public static string ArtifactsFolder => Path.Combine(RepositoryRoot(), "artifacts");

    public string Text { get; }

    public OpenApiDocument Document { get; }

    /// <summary>The document the host serves, read once per test run and written to artifacts/ for the linter.</summary>
    public static Task<OpenApiContract> ServedBy(HttpClient http)
    {
        lock (Gate)
        {
            return _served ??= LoadAsync(http);
        }
    }

    private static async Task<OpenApiContract> LoadAsync(HttpClient http)
    {
        var text = await http.GetStringAsync(DocumentPath);
        var (document, diagnostic) = OpenApiDocument.Parse(text, OpenApiConstants.Json);
        if (document is null || diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException("The served OpenAPI document does not parse: " + string.Join("; ", diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        }

        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The served OpenAPI document is not valid: " + string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        }

        Directory.CreateDirectory(ArtifactsFolder);
        await File.WriteAllTextAsync(Path.Combine(ArtifactsFolder, "openapi.json"), text);
        return new OpenApiContract(text, document);
    }

    /// <summary>Why this exchange breaks the document, or null when it keeps it.</summary>
    public string? Violation(HttpMethod method, string requestPath, string? requestMediaType, string? requestJson, int status, string? responseMediaType, string? responseText)
    {
        var path = requestPath.Split('?')[0];
        if (path == DocumentPath)
        {
            return null;
        }

        var match = _operations.FirstOrDefault(o => o.Method == method && o.Template.IsMatch(path));
        if (match.Operation is null)
        {
            return $"the document has no operation for {method} {path}.";
        }

        var where = $"{method} {match.Path} ({match.Operation.OperationId})";
        var success = status is >= 200 and < 300;
        if (RequestViolation(match, requestMediaType, requestJson) is { } rejected && success)
        {
            return $"{where}: the API answered {status} to a request the document rejects: {rejected}";
        }

        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (match.Operation.Responses?.TryGetValue(key, out var response) != true || response is null)
        {
            return $"{where}: status {status} is not documented (documented: {string.Join(", ", match.Operation.Responses?.Keys.ToArray() ?? [])}).";
        }

        // NDJSON: any number of lines, none at all included, each one a document of the schema.
        if (responseMediaType == "application/x-ndjson" && response.Content?.ContainsKey(responseMediaType) == true)
        {
            var linePointer = $"#/paths/{Escape(match.Path)}/{match.Method.Method.ToLowerInvariant()}/responses/{key}/content/{Escape(responseMediaType)}/schema";
            return (responseText ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => SchemaViolation(linePointer, line)).FirstOrDefault(v => v is not null) is { } bad
                ? $"{where}: a {status} NDJSON line does not match its schema: {bad}" : null;
        }

        if (string.IsNullOrEmpty(responseText))
        {
            return response.Content is { Count: > 0 } ? $"{where}: status {status} is documented with a body, but none came." : null;
        }

        if (responseMediaType is null || response.Content?.ContainsKey(responseMediaType) != true)
        {
            return $"{where}: status {status} answered {responseMediaType ?? "no media type"}; the document has {string.Join(", ", response.Content?.Keys.ToArray() ?? [])}.";
        }

        var pointer = $"#/paths/{Escape(match.Path)}/{match.Method.Method.ToLowerInvariant()}/responses/{key}/content/{Escape(responseMediaType)}/schema";
        return SchemaViolation(pointer, responseText) is { } wrong ? $"{where}: the {status} {responseMediaType} body does not match its schema: {wrong}" : null;
    }

    /// <summary>Every request and response example that its own schema rejects.</summary>
    public IEnumerable<string> ExampleViolations()
    {
        foreach (var (_, path, method, operation) in _operations)
        {
            var at = $"#/paths/{Escape(path)}/{method.Method.ToLowerInvariant()}";
            var media = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
                .Select(m => (Where: $"{at}/requestBody/content/{Escape(m.Key)}", m.Value))
                .Concat((operation.Responses ?? []).SelectMany(r => (r.Value.Content ?? new Dictionary<string, OpenApiMediaType>())
                    .Select(m => (Where: $"{at}/responses/{r.Key}/content/{Escape(m.Key)}", m.Value))));
            foreach (var (where, value) in media.Where(m => m.Value.Example is not null))
            {
                if (SchemaViolation($"{where}/schema", value.Example!.ToJsonString()) is { } wrong)
                {
                    yield return $"{operation.OperationId}: the example at {where} does not match its schema: {wrong}";
                }
            }
        }
    }

    private string? RequestViolation((Regex Template, string Path, HttpMethod Method, OpenApiOperation Operation) match, string? mediaType, string? json)
    {
        var body = match.Operation.RequestBody;
        if (json is null)
        {
            return body?.Required == true ? "the request body is required." : null;
        }

        if (body?.Content is null || mediaType is null || !body.Content.ContainsKey(mediaType))
        {
            return $"a {mediaType} body is not documented.";
        }

        var pointer = $"#/paths/{Escape(match.Path)}/{match.Method.Method.ToLowerInvariant()}/requestBody/content/{Escape(mediaType)}/schema";
        return SchemaViolation(pointer, json);
    }

    private string? SchemaViolation(string pointer, string json)
    {
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            return $"not JSON ({e.Message}).";
        }

        // JsonSchema.Net resolves a $ref into the registered document lazily, and that first resolution is not safe to
        // race: test collections run in parallel, and two of them asking for the same schema at once broke the
        // registry for the rest of the run. One evaluation at a time; each takes microseconds.
        EvaluationResults results;
        lock (Evaluating)
        {
            var schema = _built.GetOrAdd(pointer, p => JsonSchema.FromText($$"""{"$ref":"{{BaseUri}}{{p}}"}""", _schemas));
            results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }

        if (results.IsValid)
        {
            return null;
        }

        var errors = new StringBuilder();
        foreach (var detail in results.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                errors.Append($"\n  at '{detail.InstanceLocation}' ({keyword} in {detail.EvaluationPath}): {message}");
            }
        }

        return errors.Length == 0 ? "invalid." : errors.ToString();
    }

    // A JSON Pointer segment (RFC 6901), inside a URI fragment.
    private static string Escape(string segment) =>
        Uri.EscapeDataString(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    /// <summary>The checkout this test assembly was built from (the folder holding Cases.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cases.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cases.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex TemplateParameter();
}
