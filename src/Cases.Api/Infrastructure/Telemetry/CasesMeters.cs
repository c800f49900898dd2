using System.Diagnostics.Metrics;
using Cases.Domain.Clocks;
using Npgsql;

namespace Cases.Api.Infrastructure.Telemetry;

/// <summary>
/// The service's own figures (meter <c>Cases</c>): each async projection's lag, the clocks waiting to fire, and how late
/// they fire. The database-wide figures are read from the database at most every few seconds, in the background, so
/// every node reports the same numbers and a collector never waits on a query.
/// </summary>
public sealed class CasesMeters : IDisposable
{
    public const string MeterName = "Cases";

    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly Meter _meter;
    private readonly Counter<long> _clocksFired;
    private readonly Histogram<double> _clockLateness;
    private readonly Metrics.ProjectionStatus _projections;
    private readonly NpgsqlDataSource _dataSource;
    private volatile Snapshot _snapshot = new([], null, DateTimeOffset.MinValue);
    private int _refreshing;

    private sealed record Snapshot(IReadOnlyList<Metrics.ProjectionProgress> Projections, long? ClocksPending, DateTimeOffset At);

    public CasesMeters(IMeterFactory meters, Metrics.ProjectionStatus projections, NpgsqlDataSource dataSource)
    {
        _projections = projections;
        _dataSource = dataSource;
        _meter = meters.Create(MeterName);
        _clocksFired = _meter.CreateCounter<long>("cases.clocks.fired", description: "Clock stages that acted on a case, by clock and stage.");
        _clockLateness = _meter.CreateHistogram<double>("cases.clocks.lateness", unit: "s",
            description: "How long after its moment a clock stage acted (the scheduler's poll, the queue, and any node failover).");
        _meter.CreateObservableGauge("cases.projection.lag", () => Current().Projections.Select(p =>
            new Measurement<long>(p.LagEvents, new KeyValuePair<string, object?>("projection", p.Name))), unit: "{event}",
            description: "Events appended but not yet applied, per async projection.");
        _meter.CreateObservableGauge("cases.projection.lag_seconds", () => Current().Projections.Select(p =>
            new Measurement<double>(p.LagSeconds, new KeyValuePair<string, object?>("projection", p.Name))), unit: "s",
            description: "Age of the oldest event not yet applied, per async projection.");
        _meter.CreateObservableGauge("cases.projection.dead_letters", () => Current().Projections.Select(p =>
            new Measurement<long>(p.DeadLetters, new KeyValuePair<string, object?>("projection", p.Name))), unit: "{event}",
            description: "Events a projection skipped as dead letters.");
        _meter.CreateObservableGauge("cases.clocks.pending", () => Current().ClocksPending is { } pending ? [new Measurement<long>(pending)] : Array.Empty<Measurement<long>>(),
            unit: "{timer}", description: "Clock stages scheduled and not yet fired (Wolverine's durable scheduled messages).");
    }

    /// <summary>A clock stage acted on its case; <paramref name="now"/> against its moment is how late.</summary>
    public void ClockFired(ClockDue due, DateTimeOffset now)
    {
        var tags = new KeyValuePair<string, object?>[] { new("clock", due.Clock.ToString()), new("stage", due.Stage.ToString()) };
        _clocksFired.Add(1, tags);
        _clockLateness.Record(Math.Max(0, (now - due.FireAt).TotalSeconds), tags);
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (DateTimeOffset.UtcNow - snapshot.At > Freshness && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }

        return snapshot;
    }

    private async Task RefreshAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var projections = await _projections.ReadAsync(timeout.Token);
            long? pending = null;
            var schema = await SchemaAsync(timeout.Token);
            if (schema is not null)
            {
                await using var count = _dataSource.CreateCommand(
                    $"select count(*) from \"{schema}\".wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%ClockDue%'");
                pending = (long)(await count.ExecuteScalarAsync(timeout.Token))!;
            }

            _snapshot = new Snapshot(projections, pending, DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // A metrics read never fails anything; the last figures stand until the database answers.
        }
        finally
        {
            Interlocked.Exchange(ref _refreshing, 0);
        }
    }

    private string? _schema;

    private async Task<string?> SchemaAsync(CancellationToken ct)
    {
        if (_schema is null)
        {
            await using var command = _dataSource.CreateCommand("select schemaname from pg_tables where tablename = 'wolverine_incoming_envelopes' limit 1");
            _schema = await command.ExecuteScalarAsync(ct) as string;
        }

        return _schema;
    }

    public void Dispose() => _meter.Dispose();
}
