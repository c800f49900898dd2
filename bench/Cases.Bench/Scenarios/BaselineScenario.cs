using System.Diagnostics;
using Cases.Bench.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Cases.Bench.Scenarios;

/// <summary>
/// The ceiling: single-row INSERT transactions (autocommit) of an appeal-sized jsonb body into
/// <c>bench_baseline</c>, straight through Npgsql with prepared statements, on the same database, at the same
/// concurrency levels and for the same time as intake. Nothing of the service is involved.
/// </summary>
public sealed class BaselineScenario : IScenario
{
    public string Name => "baseline";

    public string Title => "Baseline: single-row INSERT";

    public async Task<ScenarioResult> RunAsync(BenchContext context, IBenchProgress progress)
    {
        var ct = context.CancellationToken;
        var maxConcurrency = context.Profile.Concurrency.Max();
        var builder = new NpgsqlDataSourceBuilder(context.Database.ConnectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = Math.Max(maxConcurrency + 4, 20);
        await using var dataSource = builder.Build();
        await using (var create = dataSource.CreateCommand("create table if not exists bench_baseline (id bigserial primary key, body jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        // Bodies like the appeals intake stores, made once so that the loop measures the database alone.
        var factory = new AppealFactory(context.Catalog, seed: 7);
        var bodies = Enumerable.Range(0, 256).Select(_ => System.Text.Encoding.UTF8.GetString(BenchHttp.Body(factory.Next()))).ToArray();

        await RunLevelAsync(dataSource, bodies, 4, context.Profile.Warmup / 2, progress.Add("baseline warm-up"), null, ct);

        var levels = new Dictionary<int, LevelResult>();
        var rows = new List<ResultRow>();
        foreach (var concurrency in context.Profile.Concurrency)
        {
            var line = progress.Add($"baseline   c={concurrency,-3}");
            var level = await RunLevelAsync(dataSource, bodies, concurrency, context.Profile.LevelDuration, line, context.Monitor, ct);
            levels[concurrency] = level;
            rows.Add(new ResultRow($"c={concurrency}", concurrency, level.PerSecond, "rows/s", level.Latency.P50, level.Latency.P99, level.ErrorTotal, null, null, level.Resources));
            line.Done($"baseline   c={concurrency,-3} {level.PerSecond,8:0} rows/s  p50 {level.Latency.P50,6:0.0} ms  p99 {level.Latency.P99,6:0.0} ms");
            await Task.Delay(context.Profile.Pause, ct);
        }

        context.Baseline = new Baseline(levels);
        var ceiling = context.Baseline.Ceiling;
        rows.Add(new ResultRow($"ceiling (c={ceiling.Concurrency})", ceiling.Concurrency, ceiling.PerSecond, "rows/s", ceiling.Latency.P50, ceiling.Latency.P99, 0, null, null, null));
        return new ScenarioResult(Name, Title, rows, [], [.. levels.Values.SelectMany(l => l.Errors)]);
    }

    private static Task<LevelResult> RunLevelAsync(
        NpgsqlDataSource dataSource, string[] bodies, int concurrency, TimeSpan duration, IProgressLine line, Func<ResourceMonitor>? monitor, CancellationToken ct) =>
        LoadRunner.RunAsync(concurrency, duration, async (worker, log, token) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var insert = new NpgsqlCommand("insert into bench_baseline (body) values ($1)", connection);
            var parameter = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = bodies[0] };
            insert.Parameters.Add(parameter);
            await insert.PrepareAsync(token);
            var next = worker * 31;
            while (log.KeepGoing)
            {
                parameter.Value = bodies[next++ % bodies.Length];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await insert.ExecuteNonQueryAsync(token);
                    log.Ok("insert", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (NpgsqlException e) when (!token.IsCancellationRequested)
                {
                    log.Error("insert", e is PostgresException p ? p.SqlState : "exception", e.Message);
                }
            }
        }, line.Report, monitor, ct);
}
