using System.Text.Json;
using Cases.Domain;
using JasperFx.Events;
using Marten;

namespace Cases.Projections.Metrics;

/// <summary>A difference between the live read model and a shadow rebuilt from the events.</summary>
public sealed record ShadowDifference(string Document, string Id, string? Live, string? Shadow);

/// <summary>
/// Rebuilds the metrics in memory (a shadow copy) from the events the live projection has applied, and
/// compares the two document by document. Any difference means the live read model cannot be trusted.
/// </summary>
public static class MetricsShadow
{
    /// <summary>Compares in a snapshot of its own, up to <paramref name="upToSequence"/>; for a store nothing else writes to.</summary>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(
        IDocumentStore store, long upToSequence, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        await using var snapshot = await ReadModelSnapshot.OpenAsync(store, ct);
        return await CompareAsync(snapshot, upToSequence, progress, ct);
    }

    /// <summary>
    /// Compares the live metrics in <paramref name="snapshot"/> with a shadow rebuilt from the events up to
    /// <paramref name="upToSequence"/>, the projection's progress in that same snapshot.
    /// </summary>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(
        ReadModelSnapshot snapshot, long upToSequence, IProgress<(long Done, long Total)>? progress = null, CancellationToken ct = default)
    {
        var replay = await MetricsReplay.FoldAsync(snapshot.Session, upToSequence, progress, ct);
        return await CompareAsync(snapshot, replay, ct);
    }

    /// <summary>Compares the live metrics in <paramref name="snapshot"/> with <paramref name="replay"/>, folded up to the projection's progress.</summary>
    public static async Task<IReadOnlyList<ShadowDifference>> CompareAsync(ReadModelSnapshot snapshot, MetricsReplay replay, CancellationToken ct = default)
    {
        var shadowBuckets = replay.Buckets();
        var session = snapshot.Session;
        var liveBuckets = (await session.Query<MetricsBucket>().ToListAsync(ct)).ToDictionary(b => b.Id, StringComparer.Ordinal);
        var liveFacts = (await session.Query<CaseFacts>().ToListAsync(ct)).ToDictionary(f => f.Id);
        var differences = new List<ShadowDifference>();
        Compare("MetricsBucket", liveBuckets, shadowBuckets, differences);
        Compare("CaseFacts", liveFacts.ToDictionary(p => p.Key.ToString(), p => p.Value, StringComparer.Ordinal),
            replay.Facts.ToDictionary(f => f.Id.ToString(), StringComparer.Ordinal), differences);
        return differences;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    internal static void Compare<T>(string document, Dictionary<string, T> live, Dictionary<string, T> shadow, List<ShadowDifference> differences)
    {
        foreach (var id in live.Keys.Union(shadow.Keys).Order(StringComparer.Ordinal))
        {
            var l = live.TryGetValue(id, out var a) ? Canonical(a) : null;
            var s = shadow.TryGetValue(id, out var b) ? Canonical(b) : null;
            if (l != s)
            {
                differences.Add(new ShadowDifference(document, id, l, s));
            }
        }
    }

    // Dictionaries are compared in key order, so the comparison does not depend on insertion order.
    internal static string Canonical<T>(T value) => Sort(JsonSerializer.SerializeToElement(value, Json))!.ToJsonString();

    private static System.Text.Json.Nodes.JsonNode? Sort(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new System.Text.Json.Nodes.JsonObject(element.EnumerateObject()
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Name, Sort(p.Value)))),
        JsonValueKind.Array => new System.Text.Json.Nodes.JsonArray([.. element.EnumerateArray().Select(Sort)]),
        _ => System.Text.Json.Nodes.JsonValue.Create(element),
    };
}
