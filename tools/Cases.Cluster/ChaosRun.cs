using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;

namespace Cases.Cluster;

/// <summary>What the chaos run found; the test asserts on it and the benchmark reports it.</summary>
public sealed record ChaosReport(
    long Requests,
    int AppealsAccepted,
    int AppealsMissing,
    int AppealsDuplicated,
    long ClockStagesFired,
    long ClockStagesFiredTwice,
    long OverdueTimers,
    int UnacknowledgedCasesWithoutClock,
    IReadOnlyList<string> StrandedClocks,
    long AppealsWithTheOldLimit,
    double ClockExpiryLatenessP99Seconds,
    double ClockExpiryLatenessMaxSeconds,
    long WebhooksPending,
    long WebhooksDelivered,
    long WebhooksDeadLettered,
    int ClientErrors,
    int SecondsWithClientErrors,
    TimeSpan? ErrorWindow,
    TimeSpan ProjectionsCaughtUpAfter,
    bool ProjectionsVerified,
    IReadOnlyList<string> ErrorKinds);

/// <summary>The chaos: load through the proxy, kill -9 one node and bring it back, restart PostgreSQL; then the checks.</summary>
public static class ChaosRun
{
    /// <param name="restartDatabase">Stops the database and starts it again (the caller owns it).</param>
    /// <param name="verifyProjections">Runs <c>projections verify</c> against the database; true when exact.</param>
    public static async Task<ChaosReport> RunAsync(LocalCluster cluster, string connectionString, TimeSpan duration, int workers,
        Func<Task> restartDatabase, Func<Task<bool>> verifyProjections, Action<string> log, CancellationToken ct = default)
    {
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Proxy.Url), Timeout = TimeSpan.FromSeconds(30) };
        var ledger = new ChaosLedger();
        var clock = Stopwatch.StartNew();
        var load = new ChaosLoad(http, ledger, clock);
        await load.PrepareAsync("PT3S", [.. cluster.Nodes.Select(n => n.Url)], ct);
        var appealsBefore = await ScalarAsync(connectionString, "select count(*) from {0}.mt_events where type = 'appeal_raised'");

        // The load runs through every step, however long a node takes to come back, and a while after the last.
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(workers, stop.Token);
        var victim = cluster.Nodes[^1];
        await Task.Delay(duration * 0.2, ct);
        victim.Kill();
        log($"{clock.Elapsed:mm\\:ss} {victim.Name} killed (-9)");
        await Task.Delay(duration * 0.2, ct);
        victim.Restart();
        await victim.WaitReadyAsync(TimeSpan.FromMinutes(2), ct);
        log($"{clock.Elapsed:mm\\:ss} {victim.Name} back and ready");
        await Task.Delay(duration * 0.1, ct);
        log($"{clock.Elapsed:mm\\:ss} restarting PostgreSQL");
        await restartDatabase();
        log($"{clock.Elapsed:mm\\:ss} PostgreSQL back");
        await Task.Delay(duration * 0.3, ct);
        await stop.CancelAsync();
        await running;
        log($"{clock.Elapsed:mm\\:ss} load over: {ledger.Filed.Count} appeals filed, {ledger.Errors.Count} client errors");

        // Projections catch up: every async projection's lag reaches zero.
        var caughtUp = Stopwatch.StartNew();
        await EventuallyAsync(async () => await load.SendAsync(HttpMethod.Get, "/api/projections", null, ("auditor", null), ct) is JsonArray all
            && all.All(p => p!["lagEvents"]!.GetValue<long>() == 0), TimeSpan.FromMinutes(3), "the projections to catch up");
        var caughtUpAfter = caughtUp.Elapsed;

        // Clocks: every case the store holds as unacknowledged has had its acknowledgement clock act on it. The store, not
        // the client, says which: an acknowledge that met the outage may have committed without its answer arriving.
        var unacknowledged = ledger.Filed.Values.Distinct().ToArray();
        var withoutClock = 0;
        await EventuallyAsync(async () =>
        {
            withoutClock = (int)await ScalarAsync(connectionString,
                $"select count(*) from unnest(@ids) as c(id) where {WithoutClock}",
                unacknowledged);
            return withoutClock == 0;
        }, TimeSpan.FromMinutes(2), "every unacknowledged case's clock to fire", throwOnTimeout: false);

        var webhooksPending = 0L;
        await EventuallyAsync(async () => (webhooksPending = await ScalarAsync(connectionString, "select count(*) from {0}.webhook_deliveries where status = 'pending'")) == 0,
            TimeSpan.FromMinutes(2), "every webhook delivery to settle", throwOnTimeout: false);

        var ids = ledger.Filed.Values.Distinct().ToArray();
        var existing = await ScalarAsync(connectionString, "select count(*) from {0}.mt_streams where id = any(@ids)", ids);
        var appealsAfter = await ScalarAsync(connectionString, "select count(*) from {0}.mt_events where type = 'appeal_raised'");
        var verified = await verifyProjections();
        // How late the expiries fired: a clock a killed node had claimed waits until the others judge that node dead.
        var (latenessP99, latenessMax) = await LatenessAsync(connectionString);
        return new ChaosReport(
            Requests: ledger.Requests,
            AppealsAccepted: ledger.Filed.Count,
            AppealsMissing: ids.Length - (int)existing,
            AppealsDuplicated: (int)(appealsAfter - appealsBefore - ledger.Filed.Count),
            ClockStagesFired: await ScalarAsync(connectionString, "select count(*) from {0}.mt_events where type = 'clock_elapsed'"),
            ClockStagesFiredTwice: await ScalarAsync(connectionString, """
                select count(*) from (select 1 from {0}.mt_events where type = 'clock_elapsed'
                group by stream_id, data->>'clock', data->>'stage', data->>'key', data->>'deadline' having count(*) > 1) twice
                """),
            OverdueTimers: await ScalarAsync(connectionString,
                "select count(*) from {0}.wolverine_incoming_envelopes where status = 'Scheduled' and execution_time < now() - interval '30 seconds'"),
            UnacknowledgedCasesWithoutClock: withoutClock,
            StrandedClocks: withoutClock == 0 ? [] : await StrandedAsync(connectionString, unacknowledged),
            AppealsWithTheOldLimit: await ScalarAsync(connectionString, """
                select count(*) from {0}.mt_events where type = 'appeal_raised' and stream_id = any(@ids)
                and (data->>'acknowledgeBy')::timestamptz - timestamp > interval '1 minute'
                """, ids),
            ClockExpiryLatenessP99Seconds: latenessP99,
            ClockExpiryLatenessMaxSeconds: latenessMax,
            WebhooksPending: webhooksPending,
            WebhooksDelivered: await ScalarAsync(connectionString, "select count(*) from {0}.webhook_deliveries where status = 'delivered'"),
            WebhooksDeadLettered: await ScalarAsync(connectionString, "select count(*) from {0}.webhook_deliveries where status = 'failed'"),
            ClientErrors: ledger.Errors.Count,
            SecondsWithClientErrors: ledger.SecondsWithErrors,
            ErrorWindow: ledger.ErrorSpan is { } span ? span.Last - span.First : null,
            ProjectionsCaughtUpAfter: caughtUpAfter,
            ProjectionsVerified: verified,
            ErrorKinds: [.. ledger.Errors.GroupBy(e => e.What).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} x{g.Count()}")]);
    }

    /// <summary>The case <c>c.id</c> has neither been acknowledged nor had a clock act on it ({0}: the schema).</summary>
    private const string WithoutClock =
        "not exists (select 1 from {0}.mt_events x where x.stream_id = c.id and x.type in ('clock_elapsed', 'case_acknowledged'))";

    private static async Task<long> ScalarAsync(string connectionString, string sql, Guid[]? ids = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, "cases"), connection);
        if (ids is not null)
        {
            command.Parameters.AddWithValue("ids", ids);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// For each unacknowledged case whose clock has not acted (at most ten): its acknowledgement window, and where its timer
    /// is, among Wolverine's stored envelopes and its dead letters, so a failed run says why.
    /// </summary>
    private static async Task<IReadOnlyList<string>> StrandedAsync(string connectionString, Guid[] ids)
    {
        var lines = new List<string>();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, $$"""
                select c.id::text, e.timestamp,
                       extract(epoch from ((e.data->>'acknowledgeBy')::timestamptz - e.timestamp))::float8,
                       (select string_agg(format('%s owner %s due %s attempts %s', i.status, i.owner_id, i.execution_time, i.attempts), '; ')
                          from cases.wolverine_incoming_envelopes i where position(convert_to(c.id::text, 'UTF8') in i.body) > 0),
                       (select string_agg(format('%s: %s', d.exception_type, left(d.exception_message, 300)), '; ')
                          from cases.wolverine_dead_letters d where position(convert_to(c.id::text, 'UTF8') in d.body) > 0)
                from unnest(@ids) as c(id)
                join cases.mt_events e on e.stream_id = c.id and e.type = 'appeal_raised'
                where {{WithoutClock}}
                order by e.timestamp
                limit 10
                """, "cases"), connection);
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add($"case {reader.GetString(0)} raised {reader.GetFieldValue<DateTimeOffset>(1):HH:mm:ss.fff}, acknowledgement window {reader.GetDouble(2):0.#} s; "
                    + $"stored timers: {(reader.IsDBNull(3) ? "none" : reader.GetString(3))}; dead letters: {(reader.IsDBNull(4) ? "none" : reader.GetString(4))}");
            }
        }
        catch (NpgsqlException e)
        {
            lines.Add($"could not look into the stranded clocks: {e.Message}");
        }

        return lines;
    }

    private static async Task<(double P99, double Max)> LatenessAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select coalesce(percentile_cont(0.99) within group (order by late), 0), coalesce(max(late), 0)
            from (select extract(epoch from ((data->>'at')::timestamptz - (data->>'deadline')::timestamptz))::float8 as late
                  from cases.mt_events where type = 'clock_elapsed' and lower(data->>'stage') = 'expired') expiries
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Math.Round(reader.GetDouble(0), 1), Math.Round(reader.GetDouble(1), 1));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan patience, string what, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (NpgsqlException)
            {
                // The database may still be coming back.
            }

            await Task.Delay(500);
        }

        if (throwOnTimeout)
        {
            throw new TimeoutException($"Gave up after {patience.TotalSeconds:0} s waiting for {what}.");
        }
    }
}
