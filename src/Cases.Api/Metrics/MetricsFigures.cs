using Cases.Projections.Metrics;

namespace Cases.Api.Metrics;

public sealed record DurationFigures(double? P50, double? P90, double? P99, double? Mean, long Count);

public sealed record Durations(DurationFigures Acknowledge, DurationFigures Accept, DurationFigures Resolve, DurationFigures Close);

public sealed record Rates(
    double? Response,
    double? OnTimeResolution,
    double? Resolution,
    double? Satisfaction,
    double? Rework,
    double? SettledInGrid,
    double? Extension,
    double? Return,
    double? Overdue);

public sealed record EscalationsByReason(long Manual, long Timeout, long Overdue, long Rule);

public sealed record Backlog(long Open, long Overdue);

/// <summary>How far the figures have got: the last event the metrics projection has applied.</summary>
public sealed record AsOf(long Sequence, DateTimeOffset? Timestamp, long HighWaterMark);

/// <summary>The counts, rates and durations of a set of buckets.</summary>
public sealed record Figures(
    long Raised,
    long Acknowledged,
    long AcknowledgedOnTime,
    long Escalated,
    EscalationsByReason EscalatedBy,
    long Dispatched,
    long Returned,
    long Accepted,
    long Resolved,
    long ResolvedOnTime,
    long Reopened,
    long Closed,
    long Withdrawn,
    long Feedback,
    long Satisfied,
    long Extended,
    long SettledInGrid,
    long Warnings,
    long Supervised,
    Rates Rates,
    Durations Durations)
{
    /// <summary>The figures of a sum of buckets; rates and percentiles come from the sums, never from averaging averages.</summary>
    public static Figures From(MetricsTotals totals, Backlog? backlog = null)
    {
        var c = totals.Counts;
        return new Figures(
            c.Raised, c.Acknowledged, c.AcknowledgedOnTime, c.Escalated,
            new EscalationsByReason(c.EscalatedManual, c.EscalatedTimeout, c.EscalatedOverdue, c.EscalatedRule),
            c.Dispatched, c.Returned, c.Accepted, c.Resolved, c.ResolvedOnTime, c.Reopened, c.Closed, c.Withdrawn,
            c.Feedback, c.Satisfied, c.Extended, c.SettledInGrid, c.Warnings, c.Supervised,
            new Rates(
                Ratio(c.AcknowledgedOnTime, c.Raised),
                Ratio(c.ResolvedOnTime, c.Resolved),
                Ratio(c.Resolved, c.Raised),
                Ratio(c.Satisfied, c.Feedback),
                Ratio(c.Reopened, c.Resolved),
                Ratio(c.SettledInGrid, c.Resolved),
                Ratio(c.Extended, c.Resolved),
                Ratio(c.Returned, c.Dispatched),
                backlog is null ? null : Ratio(backlog.Overdue, backlog.Open)),
            new Durations(
                Duration(totals.Acknowledge, c.AcknowledgeMillis),
                Duration(totals.Accept, c.AcceptMillis),
                Duration(totals.Resolve, c.ResolveMillis),
                Duration(totals.Close, c.CloseMillis)));
    }

    public double? Rate(string metric) => metric.ToLowerInvariant() switch
    {
        "response" => Rates.Response,
        "ontimeresolution" => Rates.OnTimeResolution,
        "resolution" => Rates.Resolution,
        "satisfaction" => Rates.Satisfaction,
        "rework" => Rates.Rework,
        "settledingrid" => Rates.SettledInGrid,
        "extension" => Rates.Extension,
        "return" => Rates.Return,
        _ => null,
    };

    public static readonly string[] RankableMetrics = ["response", "onTimeResolution", "resolution", "satisfaction", "rework", "settledInGrid", "extension", "return"];

    private static double? Ratio(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 6);

    private static DurationFigures Duration(Dictionary<int, long> histogram, long totalMillis)
    {
        var count = histogram.Values.Sum();
        return new DurationFigures(
            Round(DurationHistogram.Percentile(histogram, 50)),
            Round(DurationHistogram.Percentile(histogram, 90)),
            Round(DurationHistogram.Percentile(histogram, 99)),
            count == 0 ? null : Math.Round(totalMillis / 1000.0 / count, 3),
            count);
    }

    private static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;
}
