using Cases.Projections.Metrics;

namespace Cases.Projections.Tests;

public class DurationHistogramTests
{
    [Theory]
    [InlineData(0.004)]
    [InlineData(1)]
    [InlineData(59.9)]
    [InlineData(600)]
    [InlineData(86_400)]
    [InlineData(2_592_000)]
    public void A_value_is_reported_within_one_percent(double seconds)
    {
        var histogram = new Dictionary<int, long>();
        DurationHistogram.Add(histogram, seconds, 1);

        var reported = DurationHistogram.Percentile(histogram, 50)!.Value;

        Assert.InRange(reported, seconds * 0.99, seconds * 1.01);
    }

    [Fact]
    public void Percentiles_follow_the_nearest_rank_definition()
    {
        var histogram = new Dictionary<int, long>();
        foreach (var seconds in Enumerable.Range(1, 100))
        {
            DurationHistogram.Add(histogram, seconds * 10, 1);
        }

        // Nearest rank: p50 of 10, 20, ..., 1000 is the 50th value (500); p90 the 90th (900); p99 the 99th (990).
        Assert.InRange(DurationHistogram.Percentile(histogram, 50)!.Value, 495, 505);
        Assert.InRange(DurationHistogram.Percentile(histogram, 90)!.Value, 891, 909);
        Assert.InRange(DurationHistogram.Percentile(histogram, 99)!.Value, 980.1, 999.9);
    }

    [Fact]
    public void Taking_a_value_out_leaves_the_histogram_as_it_was()
    {
        var histogram = new Dictionary<int, long>();
        DurationHistogram.Add(histogram, 42, 1);
        DurationHistogram.Add(histogram, 42, -1);

        Assert.Empty(histogram);
        Assert.Null(DurationHistogram.Percentile(histogram, 50));
    }
}
