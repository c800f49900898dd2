namespace Cases.Projections.Metrics;

/// <summary>
/// Durations on a log scale, fine enough that any percentile read from it is within 1% of the exact value:
/// each bin is 2% wide, and a value is reported as its bin's geometric middle (at most ±0.995% off).
/// Bins are counted in milliseconds, so sub-second durations keep their precision.
/// </summary>
public static class DurationHistogram
{
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);

    public static int Bin(double seconds)
    {
        var milliseconds = Math.Max(1.0, seconds * 1000.0);
        return (int)Math.Floor(Math.Log(milliseconds) / LogGrowth);
    }

    public static double Middle(int bin) => Math.Pow(Growth, bin + 0.5) / 1000.0;

    public static void Add(IDictionary<int, long> histogram, double seconds, long count)
    {
        var bin = Bin(seconds);
        histogram.TryGetValue(bin, out var current);
        var next = current + count;
        if (next == 0)
        {
            histogram.Remove(bin);
        }
        else
        {
            histogram[bin] = next;
        }
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least p% of the values at or below it.</summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> histogram, double percent)
    {
        var total = histogram.Values.Sum();
        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100.0 * total));
        long seen = 0;
        foreach (var (bin, count) in histogram.OrderBy(p => p.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return Middle(bin);
            }
        }

        return Middle(histogram.Keys.Max());
    }
}
