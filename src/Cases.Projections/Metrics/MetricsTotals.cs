using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Cases.Projections.Metrics;

/// <summary>
/// The sum of a set of rollups (<see cref="MetricsBucket"/>): the counts, the four duration histograms and the open
/// cases by due day, which are all a query's figures need. Rollups are added straight from their stored JSON
/// (<see cref="Add(ReadOnlySpan{byte})"/>), so a query allocates one set of maps however many rollups it reads,
/// where deserializing each rollup built five maps of up to a thousand entries each.
/// </summary>
public sealed class MetricsTotals
{
    public MetricCounts Counts { get; } = new();

    public Dictionary<int, long> Acknowledge { get; } = [];

    public Dictionary<int, long> Accept { get; } = [];

    public Dictionary<int, long> Resolve { get; } = [];

    public Dictionary<int, long> Close { get; } = [];

    /// <summary>The open cases by the day from which each is overdue, as in <see cref="MetricsBucket.Due"/>.</summary>
    public Dictionary<int, long> Due { get; } = [];

    /// <summary>How many rollups were added.</summary>
    public int Rollups { get; private set; }

    /// <summary>Adds one rollup.</summary>
    public void Add(MetricsBucket bucket) =>
        Add(bucket.Counts, bucket.Acknowledge, bucket.Accept, bucket.Resolve, bucket.Close, bucket.Due, 1);

    /// <summary>Adds another total (a rollup read once and held, or a sum).</summary>
    public void Add(MetricsTotals other) =>
        Add(other.Counts, other.Acknowledge, other.Accept, other.Resolve, other.Close, other.Due, other.Rollups);

    private void Add(
        MetricCounts counts, Dictionary<int, long> acknowledge, Dictionary<int, long> accept, Dictionary<int, long> resolve,
        Dictionary<int, long> close, Dictionary<int, long> due, int rollups)
    {
        Counts.Add(counts);
        Merge(Acknowledge, acknowledge);
        Merge(Accept, accept);
        Merge(Resolve, resolve);
        Merge(Close, close);
        Merge(Due, due);
        Rollups += rollups;
    }

    /// <summary>
    /// Adds one rollup from the JSON Marten stored for it (camelCase): the counts through the serializer, and the maps
    /// entry by entry into this total's maps. Members the figures do not use are skipped.
    /// </summary>
    public void Add(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Names.Counts))
            {
                reader.Read();
                Counts.Add(JsonSerializer.Deserialize(ref reader, MetricsBucketJson.Default.MetricCounts) ?? new MetricCounts());
            }
            else if (MapNamed(ref reader) is { } map)
            {
                reader.Read();
                AddMap(ref reader, map);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Rollups++;
    }

    private Dictionary<int, long>? MapNamed(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(Names.Acknowledge) ? Acknowledge
        : reader.ValueTextEquals(Names.Accept) ? Accept
        : reader.ValueTextEquals(Names.Resolve) ? Resolve
        : reader.ValueTextEquals(Names.Close) ? Close
        : reader.ValueTextEquals(Names.Due) ? Due
        : null;

    private static void AddMap(ref Utf8JsonReader reader, Dictionary<int, long> into)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || !Utf8Parser.TryParse(reader.ValueSpan, out int key, out var used) || used != reader.ValueSpan.Length)
            {
                throw new JsonException("A metrics rollup's map has a key that is not a whole number.");
            }

            reader.Read();
            var count = reader.GetInt64();
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(into, key, out _);
            slot += count;
        }
    }

    private static void Merge(Dictionary<int, long> into, Dictionary<int, long> from)
    {
        foreach (var (key, count) in from)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(into, key, out _);
            slot += count;
        }
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("A metrics rollup's stored JSON does not have the rollup's shape.");
        }
    }

    /// <summary>The stored members' names: Marten writes camelCase, as <see cref="MetricsBucketJson"/> reads.</summary>
    private static class Names
    {
        public static readonly byte[] Counts = Utf8(nameof(MetricsBucket.Counts));
        public static readonly byte[] Acknowledge = Utf8(nameof(MetricsBucket.Acknowledge));
        public static readonly byte[] Accept = Utf8(nameof(MetricsBucket.Accept));
        public static readonly byte[] Resolve = Utf8(nameof(MetricsBucket.Resolve));
        public static readonly byte[] Close = Utf8(nameof(MetricsBucket.Close));
        public static readonly byte[] Due = Utf8(nameof(MetricsBucket.Due));

        private static byte[] Utf8(string member) => Encoding.UTF8.GetBytes(JsonNamingPolicy.CamelCase.ConvertName(member));
    }
}
