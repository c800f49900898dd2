using System.Diagnostics;
using System.Text.RegularExpressions;
using Cases.Domain.Clocks;
using Marten;
using Wolverine;
using Wolverine.Http;

namespace Cases.Api.Audit;

/// <summary>
/// What ties an event to the rest of the record: the correlation id of the request whose effects it belongs to,
/// and its cause (a command, a clock stage, a message). Stamped on the session before anything is appended, so
/// Marten writes both on every event of the unit of work; the correlation also goes on every message the request
/// sends or schedules, and Wolverine hands it back to the session that handles them.
/// </summary>
public sealed partial record Trail(string CorrelationId, string Causation)
{
    /// <summary>The response header that gives the caller the correlation id of its request.</summary>
    public const string Header = "X-Correlation-Id";

    private const string ItemKey = "cases.correlation";

    /// <summary>The causation of an event a person's command appended: the operation, as the OpenAPI document names it.</summary>
    public static string Command(string operationId) => $"command:{operationId}";

    /// <summary>The causation of an event a clock appended: which clock, at which stage.</summary>
    public static string Clock(ClockKind clock, ClockStage stage) => $"clock:{Camel(clock.ToString())}/{Camel(stage.ToString())}";

    /// <summary>This request's trail: its correlation id, and the operation its endpoint performs.</summary>
    public static Trail Of(HttpContext http)
    {
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<HttpChain>()?.OperationId ?? "unknown";
        return new Trail(CorrelationOf(http), Command(operation));
    }

    /// <summary>The correlation id of the request, chosen once by <see cref="UseRequestTrail"/>.</summary>
    public static string CorrelationOf(HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var id) && id is string s ? s : Choose(http);

    /// <summary>Puts the trail on the unit of work: the events it appends, and the messages and timers it sends.</summary>
    public void Stamp(IDocumentSession session, IMessageBus? bus = null)
    {
        session.CorrelationId = CorrelationId;
        session.CausationId = Causation;
        if (bus is Wolverine.Runtime.MessageBus context)
        {
            context.CorrelationId = CorrelationId;
        }
    }

    /// <summary>
    /// Chooses the correlation id before anything else runs and answers it on every response, refusals included,
    /// so a caller can quote it when asking what became of a request.
    /// </summary>
    public static IApplicationBuilder UseRequestTrail(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var id = Choose(http);
        http.Response.Headers[Header] = id;
        await next(http);
    });

    private static string Choose(HttpContext http)
    {
        // W3C trace context: version-traceid-parentid-flags; an all-zero trace id is invalid by the standard.
        var traceparent = http.Request.Headers["traceparent"].ToString();
        var id = TraceParent().Match(traceparent) is { Success: true } m && m.Groups["trace"].Value != new string('0', 32)
            ? m.Groups["trace"].Value
            : Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString()
            : Guid.NewGuid().ToString("N");
        http.Items[ItemKey] = id;
        return id;
    }

    // Spelled as the API spells these enums everywhere else.
    private static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    [GeneratedRegex("^[0-9a-f]{2}-(?<trace>[0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex TraceParent();
}
