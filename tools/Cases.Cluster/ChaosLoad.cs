using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cases.Cluster;

/// <summary>What the clients saw: every appeal they were told was filed, and every answer that was not a success.</summary>
public sealed class ChaosLedger
{
    public ConcurrentDictionary<string, Guid> Filed { get; } = new();

    public ConcurrentBag<Guid> Acknowledged { get; } = [];

    public ConcurrentBag<(TimeSpan At, string What)> Errors { get; } = [];

    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    public void Counted() => Interlocked.Increment(ref _requests);

    /// <summary>Seconds (of the run) in which at least one client request failed.</summary>
    public int SecondsWithErrors => Errors.Select(e => (int)e.At.TotalSeconds).Distinct().Count();

    public (TimeSpan First, TimeSpan Last)? ErrorSpan => Errors.IsEmpty ? null : (Errors.Min(e => e.At), Errors.Max(e => e.At));
}

/// <summary>
/// A steady lifecycle load through the proxy, as careful clients make it: each appeal carries an idempotency key and is
/// retried with that key until it is answered 201; half the cases are acknowledged at once, the other half are left for
/// their acknowledgement clock to escalate. Any answer other than a success is recorded with its moment.
/// </summary>
public sealed class ChaosLoad(HttpClient http, ChaosLedger ledger, Stopwatch clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new();
    private List<string> _microGrids = [];

    /// <summary>
    /// Reads the micro-grids and shortens the dispute limits so that clocks fire during the run, then waits until every
    /// node in <paramref name="nodeUrls"/> serves the new limits. Each node re-reads reference data within about a second
    /// of a change; an appeal filed on a node in that second took the old limit (an hour), and the run counted its case
    /// as one whose clock never acted.
    /// </summary>
    public async Task PrepareAsync(string acknowledgeLimit, IReadOnlyList<string> nodeUrls, CancellationToken ct)
    {
        // Nodes that have only just started on busy cores may be slow to answer: a few tries before giving up.
        var grid = await PersistAsync(() => SendAsync(HttpMethod.Get, "/api/grid", null, ("admin", null), ct), "read the grid", ct);
        var found = new List<string>();
        void Walk(JsonNode node)
        {
            if (node["level"]?.GetValue<string>() == "microgrid")
            {
                found.Add(node["id"]!.GetValue<string>());
            }

            foreach (var child in node["children"]?.AsArray() ?? [])
            {
                Walk(child!);
            }
        }

        Walk(grid);
        _microGrids = found;
        var limits = new { acknowledge = acknowledgeLimit, acceptDispatch = "PT1H", resolve = "PT1H", feedbackWindow = "PT1H" };
        var body = new { normal = limits, urgent = limits, resolveInWorkingDays = false };
        _ = await PersistAsync(() => SendAsync(HttpMethod.Put, "/api/categories/dispute/limits", body, ("admin", null), ct), "set the dispute limits", ct);
        foreach (var node in nodeUrls)
        {
            _ = await PersistAsync(async () => await SendAsync(HttpMethod.Get, $"{node}/api/categories", null, ("admin", null), ct) is JsonArray categories
                && categories.Any(c => c!["code"]!.GetValue<string>() == "dispute"
                    && c["limits"]!["normal"]!["acknowledge"]!.GetValue<string>() == acknowledgeLimit) ? categories : null,
                $"see the new dispute limits at {node}", ct);
        }

        // What went wrong while preparing is not what the clients saw under the chaos.
        ledger.Errors.Clear();
    }

    private async Task<JsonNode> PersistAsync(Func<Task<JsonNode?>> attempt, string what, CancellationToken ct)
    {
        for (var i = 0; i < 10; i++)
        {
            if (await attempt() is { } answer)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        throw new InvalidOperationException($"Could not {what}: {string.Join("; ", ledger.Errors.Select(e => e.What))}");
    }

    /// <summary>Runs <paramref name="workers"/> clients until <paramref name="stop"/>.</summary>
    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None)));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(worker);
        while (!stop.IsCancellationRequested)
        {
            var key = Guid.NewGuid().ToString();
            var microGrid = _microGrids[random.Next(_microGrids.Count)];
            var appeal = new
            {
                channel = "hotline", category = "dispute", urgency = "normal", title = "Chaos", description = $"Worker {worker}.",
                microGridId = microGrid, resident = new { name = "测试", phone = "13800000000" },
            };

            // Once sent, a key is seen through to its answer even past the end of the run: a lost 201 would be a lost appeal.
            JsonNode? filed = null;
            while (filed is null)
            {
                filed = await SendAsync(HttpMethod.Post, "/api/appeals", appeal, ("agent", null), CancellationToken.None, key);
                if (filed is null)
                {
                    await Task.Delay(250, CancellationToken.None);
                }
            }

            var caseId = Guid.Parse(filed["caseId"]!.GetValue<string>());
            ledger.Filed[key] = caseId;
            if (worker % 2 == 0 && !stop.IsCancellationRequested)
            {
                var node = filed["currentNodeId"]?.GetValue<string>() ?? microGrid;
                if (await SendAsync(HttpMethod.Post, $"/api/cases/{caseId}/acknowledge", new { note = "已联系" }, ("gridworker", node), CancellationToken.None) is not null)
                {
                    ledger.Acknowledged.Add(caseId);
                }
            }
        }
    }

    /// <summary>The JSON answer of a success, or null after recording what went wrong.</summary>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, object? body, (string Role, string? Node) actor, CancellationToken ct, string? idempotencyKey = null)
    {
        ledger.Counted();
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.RelativeOrAbsolute));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, options: Json);
            }

            request.Headers.Authorization = new("Bearer", await TokenAsync(actor, ct));
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return JsonNode.Parse(text);
            }

            if (response.StatusCode == System.Net.HttpStatusCode.Conflict && idempotencyKey is null)
            {
                // A command that lost to the case's own clock (it escalated first): a business answer, not an error.
                return null;
            }

            ledger.Errors.Add((clock.Elapsed, $"{method} {path.Split('/')[2]}: {(int)response.StatusCode}" + (ledger.Filed.IsEmpty && ledger.Errors.IsEmpty ? $" {text}" : "")));
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            ledger.Errors.Add((clock.Elapsed, $"{method} {path.Split('/')[2]}: {e.GetType().Name}"));
            return null;
        }
    }

    private Task<string> TokenAsync((string Role, string? Node) actor, CancellationToken ct)
    {
        var task = _tokens.GetOrAdd($"{actor.Role}/{actor.Node}", async _ =>
        {
            using var response = await http.PostAsJsonAsync("/api/dev/tokens", new { role = actor.Role, nodeId = actor.Node, name = $"chaos-{actor.Role}" }, Json, ct);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["token"]!.GetValue<string>();
        });
        if (task.IsFaulted || task.IsCanceled)
        {
            // A token request that met the outage is asked again next time.
            _tokens.TryRemove($"{actor.Role}/{actor.Node}", out _);
        }

        return task;
    }
}
