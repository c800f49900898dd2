using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;

namespace Cases.Api.Audit.Chain;

/// <summary>
/// The tamper-evidence chain over Marten's event table, in two tiers, created with the store's other objects.
/// <para>
/// <b>Per stream, at append.</b> Every row inserted into <c>mt_events</c> fires a trigger, deferred to the commit of the inserting
/// transaction, that links it to the previous event of its own stream: <c>digest = sha256(canonical row)</c> and
/// <c>link = sha256(link of version - 1 || digest)</c>, the first event of a stream following 32 zero bytes. Appends to one stream are
/// already serialised by the stream's version (a unique key), so this takes no lock of its own and concurrent appends to different
/// cases commit side by side (group commit); a single store-wide lock here cut intake to one commit per WAL flush.
/// </para>
/// <para>
/// <b>Store-wide, behind the appends.</b> The sealer (<see cref="SealSql"/>, every second and before every head or verify) folds the
/// committed links nobody sealed yet, in sequence order, into one chain: <c>position</c> counts them, and
/// <c>hash = sha256(previous hash || link)</c>. The store-wide head therefore covers every stream's links; recording it outside the
/// database anchors them all. The position is the order of sealing, which is not always <c>seq_id</c> order (a slow transaction
/// commits after a quicker one that drew a later sequence).
/// </para>
/// <para>
/// What is hashed: the columns that say what happened (sequence, id, stream, version, type, .NET type, tenant, timestamp,
/// data and its binary form, correlation, causation, headers). Bookkeeping Marten updates in place (<c>is_archived</c>) is left out, so
/// archiving a stream does not break the chain; erasure deletes keys elsewhere and never touches an event row.
/// </para>
/// </summary>
public static class EventChainSchema
{
    /// <summary>The links (a table of its own name: a store from before the two tiers keeps its old table, unused, and is linked afresh).</summary>
    public const string ChainTable = "cases_event_links";

    /// <summary>The advisory lock that lets one sealer at a time extend the store-wide chain (transaction-scoped).</summary>
    public const long LockKey = 0x4361_7365_4368_6e01;
    public const string LinkFunction = "cases_event_chain_link";
    public const string Trigger = "cases_event_chain";

    /// <summary>How many links one seal folds at most; the next one takes the rest.</summary>
    public const int SealBatch = 50_000;

    /// <summary>The link before the first one, of a stream and of the store.</summary>
    public static readonly byte[] Genesis = new byte[32];

    private static string GenesisLiteral => $"'\\x{Convert.ToHexString(Genesis)}'::bytea";

    /// <summary>
    /// The canonical content of an event row, as SQL over a row alias. jsonb's text form is deterministic (keys ordered,
    /// whitespace fixed) and the timestamp is written in UTC, so the same row always hashes the same whatever the session's settings.
    /// The verifier sends this expression itself rather than calling a function in the database, which a tamperer could replace.
    /// </summary>
    public static string Digest(string row) =>
        $"sha256(convert_to(jsonb_build_array({row}.seq_id, {row}.id, {row}.stream_id, {row}.version, {row}.type, {row}.mt_dotnet_type, " +
        $"{row}.tenant_id, to_jsonb({row}.timestamp at time zone 'UTC'), {row}.data, encode({row}.bdata, 'hex'), {row}.correlation_id, {row}.causation_id, {row}.headers)::text, 'UTF8'))";

    /// <summary>
    /// A storage feature of its own, not <c>ExtendedSchemaObjects</c>: Marten creates those before its event tables, and the
    /// trigger needs <c>mt_events</c> to exist. Custom features come after the event store.
    /// </summary>
    public static void Register(StoreOptions options, string schema) => options.Storage.Add(new Feature(schema));

    private sealed class Feature(string schema) : FeatureSchemaBase("EventChain", new PostgresqlMigrator())
    {
        protected override IEnumerable<ISchemaObject> schemaObjects() => Objects(schema);
    }

    private static ISchemaObject[] Objects(string schema)
    {
        var chain = new Table($"{schema}.{ChainTable}");
        chain.AddColumn<long>("seq_id").AsPrimaryKey();
        chain.AddColumn<Guid>("stream_id").NotNull();
        chain.AddColumn<long>("version").NotNull();
        chain.AddColumn("digest", "bytea").NotNull();
        chain.AddColumn("link", "bytea").NotNull();
        chain.AddColumn("linked_at", "timestamptz").NotNull();
        chain.AddColumn<long>("position").AllowNulls();
        chain.AddColumn("hash", "bytea").AllowNulls();
        chain.AddColumn("sealed_at", "timestamptz").AllowNulls();
        chain.Indexes.Add(new IndexDefinition($"ix_{ChainTable}_stream") { Columns = ["stream_id", "version"], IsUnique = true });
        chain.Indexes.Add(new IndexDefinition($"ix_{ChainTable}_position") { Columns = ["position"], IsUnique = true });
        // What the sealer looks for, every second: the unsealed links in sequence order. Without this index PostgreSQL could
        // walk the primary key in order and filter on position, reading every sealed link of the store (a million on the
        // benchmark's store, about a core of PostgreSQL the whole time); this index holds only the links not sealed yet.
        chain.Indexes.Add(new IndexDefinition($"ix_{ChainTable}_unsealed") { Columns = ["seq_id"], Predicate = "\"position\" is null" });

        return [chain, new ChainLink(schema)];
    }

    /// <summary>
    /// The link function and its trigger as one schema object, recreated together when either is missing, disabled or
    /// different. Weasel's own <c>Function</c> would see its text differ from PostgreSQL's rendering on every migration and
    /// replace it with a cascading drop that takes the trigger with it.
    /// </summary>
    private sealed class ChainLink(string schema) : ISchemaObject
    {
        private readonly string _body = $$"""

            declare
                d bytea := {{Digest("NEW")}};
                previous bytea;
            begin
                select c.link into previous from {{schema}}.{{ChainTable}} c where c.stream_id = NEW.stream_id and c.version = NEW.version - 1;
                insert into {{schema}}.{{ChainTable}} (seq_id, stream_id, version, digest, link, linked_at)
                values (NEW.seq_id, NEW.stream_id, NEW.version, d, sha256(coalesce(previous, {{GenesisLiteral}}) || d), clock_timestamp());
                return null;
            end

            """;

        public DbObjectName Identifier { get; } = Function.ForSql($"create function {schema}.{LinkFunction}() returns trigger as $$ $$;").Identifier;

        public void WriteCreateStatement(Migrator rules, TextWriter writer)
        {
            writer.WriteLine($"create or replace function {schema}.{LinkFunction}() returns trigger language plpgsql as $chain${_body}$chain$;");
            writer.WriteLine($"drop trigger if exists {Trigger} on {schema}.mt_events;");
            // Deferred to the commit: the row is hashed as it is committed.
            writer.WriteLine($"create constraint trigger {Trigger} after insert on {schema}.mt_events deferrable initially deferred for each row execute function {schema}.{LinkFunction}();");
        }

        public void WriteDropStatement(Migrator rules, TextWriter writer)
        {
            writer.WriteLine($"drop trigger if exists {Trigger} on {schema}.mt_events;");
            writer.WriteLine($"drop function if exists {schema}.{LinkFunction}();");
        }

        public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder) => builder.Append($"""
            select count(*) from pg_trigger t join pg_proc p on p.oid = t.tgfoid
            where t.tgname = '{Trigger}' and t.tgrelid = to_regclass('{schema}.mt_events') and t.tgenabled <> 'D' and t.tginitdeferred
              and encode(sha256(convert_to(p.prosrc, 'UTF8')), 'hex') = '{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_body)))}';
            """);

        public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct)
        {
            var current = await reader.ReadAsync(ct) && reader.GetInt64(0) == 1;
            return new SchemaObjectDelta(this, current ? SchemaPatchDifference.None : SchemaPatchDifference.Create);
        }

        public IEnumerable<DbObjectName> AllNames()
        {
            yield return Identifier;
        }
    }

    public static async Task LinkEventsOlderThanTheChainAsync(Npgsql.NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        await using var genesis = dataSource.CreateCommand(GenesisSql(schema));
        await genesis.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Links, stream by stream, the events a store held before it had a chain (an upgrade). It does nothing once the chain
    /// has a link, so it cannot launder a row inserted by hand later: that one stays unlinked and verify reports it.
    /// The sealer folds these links into the store-wide chain like any others.
    /// </summary>
    public static string GenesisSql(string schema) => $$"""
        do $genesis$
        declare
            r record;
            s uuid;
            h bytea;
        begin
            perform pg_advisory_xact_lock({{LockKey}});
            if exists (select 1 from {{schema}}.{{ChainTable}}) then
                return;
            end if;
            for r in select e.seq_id, e.stream_id, e.version, {{Digest("e")}} as d from {{schema}}.mt_events e order by e.stream_id, e.version loop
                if s is distinct from r.stream_id then
                    s := r.stream_id;
                    h := {{GenesisLiteral}};
                end if;
                h := sha256(h || r.d);
                insert into {{schema}}.{{ChainTable}} (seq_id, stream_id, version, digest, link, linked_at) values (r.seq_id, r.stream_id, r.version, r.d, h, clock_timestamp());
            end loop;
        end
        $genesis$;
        """;

    /// <summary>
    /// Folds the committed links not sealed yet, in sequence order, into the store-wide chain. One sealer at a time (the lock);
    /// a link committed while it runs is left for the next seal.
    /// </summary>
    public static string SealSql(string schema) => $$"""
        do $seal$
        declare
            r record;
            p bigint;
            h bytea;
        begin
            perform pg_advisory_xact_lock({{LockKey}});
            select c.position, c.hash into p, h from {{schema}}.{{ChainTable}} c where c.position is not null order by c.position desc limit 1;
            if p is null then
                p := 0;
                h := {{GenesisLiteral}};
            end if;
            for r in select c.seq_id, c.link from {{schema}}.{{ChainTable}} c where c.position is null order by c.seq_id limit {{SealBatch}} loop
                p := p + 1;
                h := sha256(h || r.link);
                update {{schema}}.{{ChainTable}} set position = p, hash = h, sealed_at = clock_timestamp() where seq_id = r.seq_id;
            end loop;
        end
        $seal$;
        """;

    /// <summary>Seals every link committed before it started (in batches), so that a head or a verdict read afterwards covers them.</summary>
    public static async Task SealAsync(Npgsql.NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        var sql = SealSql(schema);
        await using var last = dataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {schema}.{ChainTable}");
        var upTo = (long)(await last.ExecuteScalarAsync(ct))!;
        while (true)
        {
            await using var seal = dataSource.CreateCommand(sql);
            await seal.ExecuteNonQueryAsync(ct);
            await using var more = dataSource.CreateCommand($"select exists (select 1 from {schema}.{ChainTable} where position is null and seq_id <= $1)");
            more.Parameters.Add(new Npgsql.NpgsqlParameter { Value = upTo });
            if (!(bool)(await more.ExecuteScalarAsync(ct))!)
            {
                return;
            }
        }
    }
}
