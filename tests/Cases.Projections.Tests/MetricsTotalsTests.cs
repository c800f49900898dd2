using System.Text;
using System.Text.Json;
using Cases.Projections.Metrics;

namespace Cases.Projections.Tests;

public class MetricsTotalsTests
{
    private static readonly JsonSerializerOptions MartenLike = new(JsonSerializerDefaults.Web);

    private static MetricsBucket Bucket(int raised, int open, params (int Bin, long Count)[] resolve)
    {
        var bucket = new MetricsBucket { Id = "node:sc|month|2026-03-01|*", Scope = "node:sc", Grain = MetricsBucket.MonthGrain, Day = new DateOnly(2026, 3, 1), Category = "*" };
        bucket.Counts.Raised = raised;
        bucket.Counts.Open = open;
        bucket.Counts.ResolveMillis = 1234;
        foreach (var (bin, count) in resolve)
        {
            bucket.Resolve[bin] = count;
        }

        bucket.Due[20512] = open;
        return bucket;
    }

    [Fact]
    public void Stored_json_adds_up_as_the_documents_do()
    {
        var buckets = new[] { Bucket(5, 2, (700, 3), (701, 2)), Bucket(7, 1, (701, 4), (950, 1)), Bucket(1, 0) };
        var fromDocuments = new MetricsTotals();
        var fromJson = new MetricsTotals();
        foreach (var bucket in buckets)
        {
            fromDocuments.Add(bucket);
            fromJson.Add(JsonSerializer.SerializeToUtf8Bytes(bucket, MartenLike));
        }

        Assert.Equal(3, fromJson.Rollups);
        Assert.Equal(13, fromJson.Counts.Raised);
        Assert.Equal(3, fromJson.Counts.Open);
        Assert.Equal(3 * 1234, fromJson.Counts.ResolveMillis);
        Assert.Equal(new Dictionary<int, long> { [700] = 3, [701] = 6, [950] = 1 }, fromJson.Resolve);
        Assert.Equal(new Dictionary<int, long> { [20512] = 3 }, fromJson.Due);
        Assert.Equal(JsonSerializer.Serialize(fromDocuments.Counts), JsonSerializer.Serialize(fromJson.Counts));
        Assert.Equal(fromDocuments.Resolve, fromJson.Resolve);
        Assert.Equal(fromDocuments.Due, fromJson.Due);
    }

    [Theory]
    [InlineData("""{"resolve": {"x1": 3}}""")]
    [InlineData("""{"resolve": [1, 2]}""")]
    [InlineData("""[]""")]
    public void Json_that_is_not_a_rollup_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => new MetricsTotals().Add(Encoding.UTF8.GetBytes(json)));
}
