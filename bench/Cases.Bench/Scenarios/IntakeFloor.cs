using System.Diagnostics;
using System.Text;
using Cases.Bench.Infrastructure;
using Npgsql;

namespace Cases.Bench.Scenarios;

/// <summary>
/// The intake's floor in PostgreSQL: one appeal's own writes, the statements the API's transaction sends, issued straight
/// through Npgsql with no API, no HTTP and no Marten, at the target's concurrency. They go into copies of the store's
/// tables in a scratch schema (same columns, indexes, foreign key and the event chain's trigger; empty at the start),
/// with the values of an appeal the API stored during the intake, fresh ids each time. What the API's figure has and this
/// one does not: the metrics daemon's writes behind each appeal, the request's own work, and PostgreSQL sharing the two
/// cores with the API. So the floor says how far removing work in the API could take intake before the database alone
/// is the limit, and what the same statements cost without the rest.
/// </summary>
public static class IntakeFloor
{
    public const string Schema = "bench_floor";

    /// <summary>The appeal's statements: the resident lookup, then one transaction with the stream, the event (whose
    /// chain link the trigger writes at commit), the case record, the resident's key and the two clocks' timers.</summary>
    /// <param name="bareCaseRecord">Drop the case record's secondary indexes in the copy (all but its key and the case
    /// number's uniqueness): what the list filters' indexes cost each appeal, at most.</param>
    public static async Task<LevelResult?> RunAsync(BenchContext context, int concurrency, TimeSpan duration, bool bareCaseRecord, IProgressLine line, CancellationToken ct)
    {
        var connectionString = context.Database.ConnectionString;
        if (await BenchSql.SchemaOfAsync(connectionString, "mt_events", ct) is not { } store)
        {
            return null;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = concurrency + 4;
        builder.ConnectionStringBuilder.MaxAutoPrepare = 100; // as the API's data source
        await using var dataSource = builder.Build();
        var templates = await Templates.ReadAsync(dataSource, store, ct);
        if (templates is null)
        {
            return null;
        }

        await CopySchemaAsync(dataSource, store, bareCaseRecord, ct);
        try
        {
            var statements = new Statements(templates);
            long serial = 0;
            return await LoadRunner.RunAsync(concurrency, duration, async (worker, log, token) =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(token);
                while (log.KeepGoing)
                {
                    var n = Interlocked.Increment(ref serial);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await using (var lookup = statements.Lookup(connection, $"floor-{n}"))
                        {
                            await using var reader = await lookup.ExecuteReaderAsync(token);
                            while (await reader.ReadAsync(token))
                            {
                            }
                        }

                        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, token);
                        await using (var batch = statements.Appeal(connection, transaction, n))
                        {
                            await batch.ExecuteNonQueryAsync(token);
                        }

                        await transaction.CommitAsync(token);
                        log.Ok("appeal's writes", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    catch (NpgsqlException e) when (!token.IsCancellationRequested)
                    {
                        log.Error("appeal's writes", e is PostgresException p ? p.SqlState : "exception", e.Message);
                    }
                }
            }, line.Report, context.Monitor, ct);
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"drop schema if exists {Schema} cascade");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Empty copies of the tables an appeal writes, with their indexes, the events' foreign key and the triggers on the events.</summary>
    private static async Task CopySchemaAsync(NpgsqlDataSource dataSource, string store, bool bareCaseRecord, CancellationToken ct)
    {
        var ddl = new StringBuilder($"drop schema if exists {Schema} cascade; create schema {Schema}; create sequence {Schema}.mt_events_sequence;");
        foreach (var table in Templates.Tables)
        {
            ddl.Append($"create table {Schema}.{table} (like {store}.{table} including all);");
        }

        ddl.Append($"alter table {Schema}.mt_events add foreign key (stream_id) references {Schema}.mt_streams (id) on delete cascade;");
        if (bareCaseRecord)
        {
            // Every index of the copy but the primary key and the unique case number (the copies' names are PostgreSQL's own).
            ddl.Append($"""
                do $$ declare i record; begin
                  for i in select c.relname from pg_index x join pg_class c on c.oid = x.indexrelid
                           where x.indrelid = '{Schema}.mt_doc_caserecord'::regclass and not x.indisprimary and not x.indisunique loop
                    execute format('drop index {Schema}.%I', i.relname);
                  end loop;
                end $$;
                """);
        }
        await using (var create = dataSource.CreateCommand(ddl.ToString()))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        // The triggers on the events (the chain's link at commit) and their functions, pointed at the copies.
        var triggers = new List<(string Function, string Trigger)>();
        await using (var read = dataSource.CreateCommand(
            $"select pg_get_functiondef(t.tgfoid), pg_get_triggerdef(t.oid) from pg_trigger t where t.tgrelid = '{store}.mt_events'::regclass and not t.tgisinternal"))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                triggers.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (function, trigger) in triggers)
        {
            await using var command = dataSource.CreateCommand(
                function.Replace($"{store}.", $"{Schema}.", StringComparison.Ordinal) + ";\n" + trigger.Replace($"{store}.", $"{Schema}.", StringComparison.Ordinal));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>One stored row: its columns, their PostgreSQL types and values.</summary>
    private sealed record Row(IReadOnlyList<(string Column, string Type, object Value)> Columns)
    {
        public object this[string column] => Columns.First(c => c.Column == column).Value;

        public static async Task<List<Row>> ReadAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
        {
            await using var command = dataSource.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<Row>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new Row([.. Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i), reader.GetValue(i)))]));
            }

            return rows;
        }
    }

    /// <summary>The rows of one appeal the API stored: its first event, stream and case record, a resident's key and two timers.</summary>
    private sealed record Templates(Row Stream, Row Event, Row CaseRecord, Row ResidentKey, IReadOnlyList<Row> Timers)
    {
        public static readonly string[] Tables = ["mt_streams", "mt_events", "cases_event_links", "mt_doc_caserecord", "mt_doc_residentkey", "wolverine_incoming_envelopes"];

        public static async Task<Templates?> ReadAsync(NpgsqlDataSource dataSource, string store, CancellationToken ct)
        {
            var record = (await Row.ReadAsync(dataSource, $"select * from {store}.mt_doc_caserecord order by raised_at desc limit 1", ct)).FirstOrDefault();
            if (record is null)
            {
                return null;
            }

            var id = (Guid)record["id"];
            var stream = (await Row.ReadAsync(dataSource, $"select * from {store}.mt_streams where id = '{id}'", ct)).FirstOrDefault();
            var first = (await Row.ReadAsync(dataSource, $"select * from {store}.mt_events where stream_id = '{id}' and version = 1", ct)).FirstOrDefault();
            var key = (await Row.ReadAsync(dataSource, $"select * from {store}.mt_doc_residentkey limit 1", ct)).FirstOrDefault();
            var timers = await Row.ReadAsync(dataSource, $"select * from {store}.wolverine_incoming_envelopes where status = 'Scheduled' limit 2", ct);
            return stream is null || first is null || key is null || timers.Count < 2 ? null : new Templates(stream, first, record, key, timers);
        }
    }

    /// <summary>The statements, in the shapes Marten and Wolverine send them, with the templates' values and fresh ids.</summary>
    private sealed class Statements(Templates templates)
    {
        private static readonly string[] StreamColumns = ["id", "type", "version", "tenant_id"];

        private readonly string _event = InsertSql("mt_events", templates.Event, ["seq_id"], [$"nextval('{Schema}.mt_events_sequence')"], exclude: ["is_archived"], upsert: false) + " returning seq_id";
        private readonly string _record = InsertSql("mt_doc_caserecord", templates.CaseRecord, ["mt_version", "mt_last_modified"],
            [$"coalesce((select version from {Schema}.mt_streams where id = {{id}}), 1)", "transaction_timestamp()"], exclude: [], upsert: true) + " returning mt_version";
        private readonly string _key = InsertSql("mt_doc_residentkey", templates.ResidentKey, ["mt_last_modified"], ["transaction_timestamp()"], exclude: [], upsert: true) + " returning id";
        private readonly string _timer = InsertSql("wolverine_incoming_envelopes", templates.Timers[0], [], [], exclude: ["timestamp"], upsert: false);

        public NpgsqlCommand Lookup(NpgsqlConnection connection, string lookup)
        {
            var command = new NpgsqlCommand($"select d.id, d.data from {Schema}.mt_doc_residentkey as d where d.data ->> 'lookup' = $1 LIMIT $2", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = lookup });
            command.Parameters.Add(new NpgsqlParameter { Value = 2 });
            return command;
        }

        public NpgsqlBatch Appeal(NpgsqlConnection connection, NpgsqlTransaction transaction, long n)
        {
            var stream = Guid.CreateVersion7();
            var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(
                $"insert into {Schema}.mt_streams (id, type, version, tenant_id) values ($1, $2, $3, $4)",
                templates.Stream, StreamColumns, new() { ["id"] = stream }));
            batch.BatchCommands.Add(Command(_event, templates.Event, Columns(templates.Event, ["seq_id", "is_archived"]),
                new() { ["id"] = Guid.CreateVersion7(), ["stream_id"] = stream }));
            batch.BatchCommands.Add(Command(_record, templates.CaseRecord, Columns(templates.CaseRecord, ["mt_version", "mt_last_modified"]),
                new() { ["id"] = stream, ["case_number"] = $"FLOOR-{n:D9}" }));
            batch.BatchCommands.Add(Command(_key, templates.ResidentKey, Columns(templates.ResidentKey, ["mt_last_modified"]),
                new() { ["id"] = Guid.CreateVersion7() }));
            foreach (var timer in templates.Timers)
            {
                batch.BatchCommands.Add(Command(_timer, timer, Columns(timer, ["timestamp"]), new() { ["id"] = Guid.CreateVersion7() }));
            }

            return batch;
        }

        private static string[] Columns(Row row, string[] without) => [.. row.Columns.Select(c => c.Column).Where(c => !without.Contains(c))];

        /// <summary><c>insert into T (cols) values ($1..$n, expressions)</c>, as an upsert on the id where Marten writes documents.</summary>
        private static string InsertSql(string table, Row row, string[] computed, string[] expressions, string[] exclude, bool upsert)
        {
            var bound = Columns(row, [.. computed, .. exclude]);
            var columns = bound.Concat(computed).Select(c => $"\"{c}\"");
            var id = $"${Array.IndexOf(bound, "id") + 1}";
            var values = bound.Select((_, i) => $"${i + 1}").Concat(expressions.Select(e => e.Replace("{id}", id, StringComparison.Ordinal)));
            var sql = $"insert into {Schema}.{table} ({string.Join(", ", columns)}) values ({string.Join(", ", values)})";
            return upsert
                ? sql + " on conflict (id) do update set " + string.Join(", ", bound.Concat(computed).Where(c => c != "id").Select(c => $"\"{c}\" = excluded.\"{c}\""))
                : sql;
        }

        private static NpgsqlBatchCommand Command(string sql, Row row, string[] columns, Dictionary<string, object> fresh)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var column in columns)
            {
                var (_, type, value) = row.Columns.First(c => c.Column == column);
                command.Parameters.Add(new NpgsqlParameter { DataTypeName = type, Value = fresh.TryGetValue(column, out var v) ? v : value });
            }

            return command;
        }
    }
}
