using System.Data;
using Marten;
using Marten.Services;
using Npgsql;

namespace Cases.Projections;

/// <summary>
/// One consistent view of the store for comparing a read model with its replay: a repeatable-read transaction, so the events,
/// the live documents and each projection's progress are all read as of the same instant. The async projections write their
/// documents and their progress in one transaction, and the inline case records are written with their events; within the
/// snapshot they agree, however much the service appends and projects while the comparison runs (clocks keep firing on a
/// live system). Reading each at a different moment made a busy store look wrong when it was not.
/// </summary>
public sealed class ReadModelSnapshot : IAsyncDisposable
{
    private ReadModelSnapshot(IDocumentSession session) => Session = session;

    public IQuerySession Session { get; }

    public static async Task<ReadModelSnapshot> OpenAsync(IDocumentStore store, CancellationToken ct = default) =>
        new(await store.LightweightSerializableSessionAsync(new SessionOptions { IsolationLevel = IsolationLevel.RepeatableRead }, ct));

    /// <summary>How far an async projection had got in this snapshot (its shards' furthest sequence), 0 before its first page.</summary>
    public Task<long> ProgressAsync(string projection, CancellationToken ct = default) =>
        ScalarAsync($"select coalesce(max(last_seq_id), 0) from {Schema}.mt_event_progression where name like @name", projection + ":%", ct);

    /// <summary>The last event this snapshot sees.</summary>
    public Task<long> LastEventAsync(CancellationToken ct = default) =>
        ScalarAsync($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", null, ct);

    private string Schema => Session.DocumentStore.Options.Events.DatabaseSchemaName;

    private async Task<long> ScalarAsync(string sql, string? name, CancellationToken ct)
    {
        // The session's connection, inside its transaction: the same snapshot as every other read here.
        await using var command = new NpgsqlCommand(sql, Session.Connection);
        if (name is not null)
        {
            command.Parameters.AddWithValue("name", name);
        }

        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
