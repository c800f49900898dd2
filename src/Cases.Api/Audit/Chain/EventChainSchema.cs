using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;

namespace Cases.Api.Audit.Chain;

/// <summary>
/// The tamper-evidence chain over Marten's event table, created with the store's other objects (a Marten storage feature of its own).
/// <para>
/// Every row inserted into <c>mt_events</c> fires a trigger, deferred to the commit of the inserting transaction, that links it:
/// <c>digest = sha256(canonical row)</c> and <c>hash = sha256(previous hash || digest)</c>, the first link following 32 zero bytes.
/// A transaction-scoped advisory lock queues concurrent appends until the holder commits or rolls back, and the head is the last link:
/// the chain's <c>position</c> is therefore the order in which appends committed, which is not always <c>seq_id</c> order
/// (Marten draws sequence numbers before the lock), and a rolled-back append leaves no gap in positions.
/// </para>
/// <para>
/// What is hashed: the columns that say what happened (sequence, id, stream, version, type, .NET type, tenant, timestamp,
/// data and its binary form, correlation, causation, headers). Bookkeeping Marten updates in place (<c>is_archived</c>) is left out, so archiving
/// a stream does not break the chain; erasure deletes keys elsewhere and never touches an event row.
/// </para>
/// </summary>
public static class EventChainSchema
{
    public const string ChainTable = "cases_event_chain";

    /// <summary>The advisory lock that orders links (transaction-scoped); any constant no other part of the system uses.</summary>
    public const long LockKey = 0x4361_7365_4368_6e01;
    public const string LinkFunction = "cases_event_chain_link";
    public const string Trigger = "cases_event_chain";

    /// <summary>The link before the first one.</summary>
    public static readonly byte[] Genesis = new byte[32];

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
        chain.AddColumn<long>("position").AsPrimaryKey();
        chain.AddColumn<long>("seq_id").NotNull().AddIndex(i => i.IsUnique = true);
        chain.AddColumn("digest", "bytea").NotNull();
        chain.AddColumn("hash", "bytea").NotNull();
        chain.AddColumn("linked_at", "timestamptz").NotNull();

        return [chain, new ChainLink(schema)];
    }

    /// <summary>
    /// The link function and its trigger as one schema object, recreated together when either is missing, disabled or
    /// different. Weasel's own <c>Function</c> would see its text differ from PostgreSQL's rendering on every migration and
    /// replace it with a cascading drop that takes the trigger with it.
    /// </summary>
    private sealed class ChainLink(string schema) : ISchemaObject
    {
        // The transaction-scoped advisory lock queues concurrent appends until the holder commits or rolls back; the head is
        // then read with a fresh snapshot (READ COMMITTED, a new one per statement), so two appends never extend the same link.
        private readonly string _body = $$"""

            declare
                d bytea := {{Digest("NEW")}};
                p bigint;
                h bytea;
            begin
                perform pg_advisory_xact_lock({{LockKey}});
                select c.position, c.hash into p, h from {{schema}}.{{ChainTable}} c order by c.position desc limit 1;
                if p is null then
                    p := 0;
                    h := '\x{{Convert.ToHexString(Genesis)}}'::bytea;
                end if;
                insert into {{schema}}.{{ChainTable}} (position, seq_id, digest, hash, linked_at) values (p + 1, NEW.seq_id, d, sha256(h || d), clock_timestamp());
                return null;
            end

            """;

        public DbObjectName Identifier { get; } = Function.ForSql($"create function {schema}.{LinkFunction}() returns trigger as $$ $$;").Identifier;

        public void WriteCreateStatement(Migrator rules, TextWriter writer)
        {
            writer.WriteLine($"create or replace function {schema}.{LinkFunction}() returns trigger language plpgsql as $chain${_body}$chain$;");
            writer.WriteLine($"drop trigger if exists {Trigger} on {schema}.mt_events;");
            // Deferred to the commit: the chain's lock is then held only while the transaction commits, not while the rest of
            // it (the inline projection, the outbox, the round trips to the service) runs.
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
    /// Links, in sequence order, the events a store held before it had a chain (an upgrade). It does nothing once the chain
    /// has a link, so it cannot launder a row inserted by hand later: that one stays unlinked and verify reports it.
    /// The chain's lock makes an append that starts meanwhile wait for the genesis and then extend it.
    /// </summary>
    public static string GenesisSql(string schema) => $$"""
        do $genesis$
        declare
            r record;
            p bigint := 0;
            h bytea := '\x{{Convert.ToHexString(Genesis)}}'::bytea;
        begin
            perform pg_advisory_xact_lock({{LockKey}});
            if exists (select 1 from {{schema}}.{{ChainTable}}) then
                return;
            end if;
            for r in select e.seq_id, {{Digest("e")}} as d from {{schema}}.mt_events e order by e.seq_id loop
                p := p + 1;
                h := sha256(h || r.d);
                insert into {{schema}}.{{ChainTable}} (position, seq_id, digest, hash, linked_at) values (p, r.seq_id, r.d, h, clock_timestamp());
            end loop;
        end
        $genesis$;
        """;
}
