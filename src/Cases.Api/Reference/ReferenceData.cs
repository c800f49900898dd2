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
    RoutingRules Routing);

/// <summary>
/// Reference data lives in Marten and changes rarely, so reads come from memory. The first use loads it
/// (seeding the Sucheng demo first when demo mode asks for it); a change writes through and swaps the snapshot.
/// </summary>
public sealed class ReferenceData(IDocumentStore store, CasesOptions options, ILogger<ReferenceData> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReferenceSnapshot? _snapshot;

    public async ValueTask<ReferenceSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_snapshot is { } loaded)
        {
            return loaded;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _snapshot ??= await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ReplaceCategoryAsync(Category category, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Store(category);
        await session.SaveChangesAsync(cancellationToken);
        var current = await GetAsync(cancellationToken);
        var categories = new Dictionary<string, Category>(current.Categories, StringComparer.Ordinal) { [category.Code] = category };
        _snapshot = current with { Categories = categories };
    }

    public async Task ReplaceRoutingAsync(RoutingRules routing, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Store(routing);
        await session.SaveChangesAsync(cancellationToken);
        _snapshot = (await GetAsync(cancellationToken)) with { Routing = routing };
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

        var tree = new GridTree(await session.Query<GridNode>().ToListAsync(cancellationToken));
        var departments = (await session.Query<Department>().ToListAsync(cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var categories = (await session.Query<Category>().ToListAsync(cancellationToken)).ToDictionary(c => c.Code, StringComparer.Ordinal);
        var routing = await session.LoadAsync<RoutingRules>(RoutingRules.DocumentId, cancellationToken) ?? RoutingRules.None;
        logger.LogInformation("Reference data loaded: {Nodes} grid nodes, {Departments} departments, {Categories} categories",
            tree.Count, departments.Count, categories.Count);
        return new ReferenceSnapshot(tree, departments, categories, routing);
    }
}

/// <summary>Loads the reference data while the host starts, so that the first appeal does not wait for it.</summary>
public sealed class ReferenceDataWarmup(ReferenceData referenceData) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await referenceData.GetAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
