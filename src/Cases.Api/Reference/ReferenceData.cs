using Cases.Api.Demo;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Routing;
using Cases.Domain.Sla;
using Marten;

namespace Cases.Api.Reference;

/// <summary>The tree, departments and categories, as one consistent snapshot held in memory.</summary>
public sealed record ReferenceSnapshot(
    GridTree Tree,
    IReadOnlyDictionary<string, Department> Departments,
    IReadOnlyDictionary<string, Category> Categories,
    RoutingRules Routing)
{
    /// <summary>The version of the reference-data stream this snapshot was loaded at (0: never changed).</summary>
    public long Version { get; init; }
}

/// <summary>
/// Reference data lives in Marten and changes rarely, so reads come from memory: every command reads it, so
/// the read is one volatile load, with no lock and no allocation. A change is an event in the reference stream
/// plus the new documents, in one transaction; the node that took it reloads at once, and every other node
/// notices the stream's version move (see <see cref="ReferenceDataPolling"/>) and reloads too.
/// </summary>
public sealed class ReferenceData(IDocumentStore store, CasesOptions options, ILogger<ReferenceData> logger)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private ReferenceSnapshot? _snapshot;

    public ValueTask<ReferenceSnapshot> GetAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _snapshot) is { } loaded ? new(loaded) : new(ReloadAsync(0, cancellationToken));

    /// <summary>
    /// Makes one change under the reference stream's row lock, so that changes from different nodes queue up
    /// and each one's "before" is what the previous one left. <paramref name="change"/> reads the current
    /// documents through the session, stores the new ones and returns the event, or null to change nothing.
    /// </summary>
    public async Task<(TChange Change, long Version)?> RecordAsync<TChange>(
        Func<IDocumentSession, CancellationToken, Task<TChange?>> change, Audit.Trail trail, CancellationToken cancellationToken)
        where TChange : class, IReferenceChange
    {
        long version;
        TChange? recorded;
        await using (var session = store.LightweightSession())
        {
            trail.Stamp(session);
            var stream = await session.Events.FetchForExclusiveWriting<ReferenceLog>(ReferenceStream.Id, cancellationToken);
            recorded = await change(session, cancellationToken);
            if (recorded is null)
            {
                return null;
            }

            stream.AppendOne(recorded);
            await session.SaveChangesAsync(cancellationToken);
            version = (stream.StartingVersion ?? 0) + 1;
        }

        logger.LogInformation("Reference data version {Version}: {Change} by {Actor}", version, typeof(TChange).Name, recorded.By.Id);
        await ReloadAsync(version, cancellationToken);
        return (recorded, version);
    }

    /// <summary>The version the database holds now: one indexed row, cheap enough to ask several times a second.</summary>
    public async Task<long> StoredVersionAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamStateAsync(ReferenceStream.Id, cancellationToken))?.Version ?? 0;
    }

    /// <summary>Reloads unless this process already holds version <paramref name="atLeast"/> or later.</summary>
    public async Task<ReferenceSnapshot> ReloadAsync(long atLeast, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _snapshot) is { } current && current.Version >= atLeast)
            {
                return current;
            }

            var loaded = await LoadAsync(cancellationToken);
            Volatile.Write(ref _snapshot, loaded);
            return loaded;
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<ReferenceSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (options.Demo && !await session.Query<GridNode>().AnyAsync(cancellationToken))
        {
            var nodes = options.FullDistrict ? SuchengDemoData.FullDistrict() : SuchengDemoData.DemoTree();
            logger.LogInformation("Seeding the Sucheng demo: {Nodes} grid nodes ({MicroGrids} micro-grids), {Departments} departments, {Categories} categories",
                nodes.Count, nodes.Count(n => n.Level == GridLevel.MicroGrid), SuchengDemoData.Departments.Count, SuchengDemoData.Categories.Count);
            session.Store(nodes.ToArray());
            session.Store(SuchengDemoData.Departments.ToArray());
            session.Store(SuchengDemoData.Categories.ToArray());
            session.Store(SuchengDemoData.Routing);
            await session.SaveChangesAsync(cancellationToken);
        }

        // The version first: a change that commits while the documents load makes them newer than the
        // version, never older, and the next poll sees the version move and loads again.
        var version = (await session.Events.FetchStreamStateAsync(ReferenceStream.Id, cancellationToken))?.Version ?? 0;
        var tree = new GridTree(await session.Query<GridNode>().ToListAsync(cancellationToken));
        var departments = (await session.Query<Department>().ToListAsync(cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var categories = (await session.Query<Category>().ToListAsync(cancellationToken)).ToDictionary(c => c.Code, StringComparer.Ordinal);
        var routing = await session.LoadAsync<RoutingRules>(RoutingRules.DocumentId, cancellationToken) ?? RoutingRules.None;
        logger.LogInformation("Reference data version {Version} loaded: {Nodes} grid nodes, {Departments} departments, {Categories} categories",
            version, tree.Count, departments.Count, categories.Count);
        return new ReferenceSnapshot(tree, departments, categories, routing) { Version = version };
    }
}
