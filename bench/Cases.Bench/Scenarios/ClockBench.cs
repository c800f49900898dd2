using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Cases.Bench.Infrastructure;
using Npgsql;

namespace Cases.Bench.Scenarios;

/// <summary>What the clock scenarios share: setting a category's limits, reading how late each stage fired, and the clean-up.</summary>
public static class ClockBench
{
    public static async Task SetLimitsAsync(BenchContext context, WorkerLog log, string category, string acknowledge, string rest, CancellationToken ct)
    {
        var limits = new { acknowledge, acceptDispatch = rest, resolve = rest, feedbackWindow = rest };
        if (await context.Http.PutAsync(log, "set limits", $"/api/categories/{category}/limits", BenchHttp.Body(new { normal = limits, urgent = limits, resolveInWorkingDays = false }), null, ct) is null)
        {
            throw new InvalidOperationException($"PUT /api/categories/{category}/limits failed: {string.Join("; ", log.Errors.Select(e => $"{e.Key.Status} {e.Value.Sample}"))}");
        }
    }

    public sealed record Lateness(Guid CaseId, string Stage, double Milliseconds);

    /// <summary>
    /// Every acknowledge stage that fired at the case's first node since <paramref name="afterSequence"/>, with how late it
    /// fired: the event's <c>at</c> minus when the stage was due (deadline - (1 - p) x limit, p = 0.5, 0.75, 1).
    /// <see cref="ReadAsync"/> reads only the events appended since the read before last, so waiting costs the database
    /// little while the stages fire (reading all of 20,000 cases' events every 2 s took ~0.3 ms of its time per stage,
    /// as much as the case record's upsert); the window overlaps one read so that a transaction that drew its sequence
    /// number before a read and committed after it is still found. <see cref="ReadAllAsync"/> reads everything once more
    /// for the figures.
    /// </summary>
    public sealed class FiredStages(string connectionString, string schema, ConcurrentDictionary<Guid, string> cases, TimeSpan limit, long afterSequence)
    {
        private readonly Dictionary<long, Lateness> _bySequence = [];
        private readonly long _start = afterSequence;
        private long _previous = afterSequence;
        private long _last = afterSequence;

        public static async Task<FiredStages> StartAsync(string connectionString, ConcurrentDictionary<Guid, string> cases, TimeSpan limit, CancellationToken ct) =>
            new(connectionString, await BenchSql.SchemaOfAsync(connectionString, "mt_events", ct) ?? "cases", cases, limit,
                await BenchSql.MaxSequenceAsync(connectionString, ct));

        public Task<List<Lateness>> ReadAsync(CancellationToken ct) => ReadFromAsync(_previous, ct);

        public Task<List<Lateness>> ReadAllAsync(CancellationToken ct) => ReadFromAsync(_start, ct);

        private async Task<List<Lateness>> ReadFromAsync(long from, CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                $"""
                select seq_id, stream_id, lower(data ->> 'stage'), data ->> 'key',
                       extract(epoch from ((data ->> 'at')::timestamptz - (data ->> 'deadline')::timestamptz)) * 1000
                from {schema}.mt_events
                where seq_id > $1 and type = 'clock_elapsed' and lower(data ->> 'clock') = 'acknowledge'
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = from });
            var highest = from;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var sequence = reader.GetInt64(0);
                    highest = Math.Max(highest, sequence);
                    var id = reader.GetGuid(1);
                    var stage = reader.GetString(2);
                    if (!cases.TryGetValue(id, out var firstNode) || reader.GetString(3) != firstNode)
                    {
                        continue; // another scenario's case, or a later node's clock after escalation
                    }

                    var early = stage switch
                    {
                        "warning50" => limit.TotalMilliseconds * 0.5,
                        "warning75" => limit.TotalMilliseconds * 0.25,
                        _ => 0,
                    };
                    _bySequence[sequence] = new Lateness(id, stage, Convert.ToDouble(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture) + early);
                }
            }

            _previous = _last;
            _last = Math.Max(_last, highest);
            return [.. _bySequence.Values];
        }
    }

    /// <summary>Stages recorded more than once for the same case, clock, node and deadline: each one fired twice.</summary>
    public static async Task<long> StagesFiredTwiceAsync(string connectionString, Guid[] cases, CancellationToken ct)
    {
        var schema = await BenchSql.SchemaOfAsync(connectionString, "mt_events", ct) ?? "cases";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            select coalesce(sum(n - 1), 0) from (
                select count(*) as n from {schema}.mt_events
                where type = 'clock_elapsed' and stream_id = any($1)
                group by stream_id, data ->> 'clock', data ->> 'key', data ->> 'stage', data ->> 'deadline') fired
            where n > 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = cases });
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Acknowledges open cases where they are now, so that their clocks stop escalating into later scenarios.</summary>
    public static async Task<List<ErrorCount>> AcknowledgeWhereTheyAreAsync(BenchContext context, List<Guid> ids, IBenchProgress progress, CancellationToken ct)
    {
        var cleanup = progress.Add($"clocks     acknowledging {ids.Count:#,0} cases where they are (clean-up)");
        var cleanupLog = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var log = new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                if (i % 500 == 0)
                {
                    cleanup.Report((double)i / ids.Count);
                }

                // A clock may escalate the case between the read and the acknowledge (409): read it again, up to three times.
                for (var attempt = 1; attempt <= 3; attempt++)
                {
                    var attemptLog = attempt == 3 ? log : new WorkerLog(Stopwatch.StartNew(), TimeSpan.MaxValue);
                    if (await context.Http.GetAsync(attemptLog, "clean-up get", $"/api/cases/{ids[i]}", Actor.Agent, ct) is not { } view)
                    {
                        continue;
                    }

                    string? status, node;
                    using (var document = JsonDocument.Parse(view))
                    {
                        status = document.RootElement.GetProperty("status").GetString();
                        node = document.RootElement.GetProperty("currentNodeId").GetString();
                    }

                    if (status != "open" || node is null ||
                        await context.Http.PostAsync(attemptLog, "clean-up acknowledge", $"/api/cases/{ids[i]}/acknowledge", BenchHttp.Body(new { note = "bench clean-up" }), Actor.GridWorker(node), ct) is not null)
                    {
                        break;
                    }
                }
            }

            lock (cleanupLog)
            {
                foreach (var (key, value) in log.Errors)
                {
                    cleanupLog.Errors[key] = value;
                }
            }
        }, ct)));
        var cleanupErrors = cleanupLog.Errors.Sum(e => e.Value.Count);
        cleanup.Done($"clocks     clean-up: {ids.Count:#,0} cases acknowledged where they were" + (cleanupErrors > 0 ? $"  [red]{cleanupErrors} errors[/] ({string.Join("; ", cleanupLog.Errors.Select(e => $"{e.Key.Operation} {e.Key.Status} x{e.Value.Count}"))})" : ""));
        return [.. cleanupLog.Errors.Select(e => new ErrorCount(e.Key.Operation, e.Key.Status, e.Value.Count, e.Value.Sample))];
    }
}
