using Cases.Bench.Infrastructure;

namespace Cases.Bench.Scenarios;

public sealed record GridNodeDto(string Id, string Name, string Level, IReadOnlyList<GridNodeDto>? Children);

public sealed record DepartmentDto(string Id, string Name, IReadOnlyList<string> Categories);

public sealed record MicroGrid(string Id, string Name, string GridId);

/// <summary>The reference data the bench needs, read from the API as a client would: micro-grids and departments.</summary>
public sealed record Catalog(IReadOnlyList<MicroGrid> MicroGrids, IReadOnlyList<DepartmentDto> Departments)
{
    public static async Task<Catalog> LoadAsync(BenchHttp http, CancellationToken cancellationToken)
    {
        var root = await http.GetJsonAsync<GridNodeDto>("/api/grid", cancellationToken);
        var microGrids = new List<MicroGrid>();
        void Walk(GridNodeDto node, GridNodeDto? parent)
        {
            if (node.Level == "microgrid" && parent is not null)
            {
                microGrids.Add(new MicroGrid(node.Id, node.Name, parent.Id));
            }

            foreach (var child in node.Children ?? [])
            {
                Walk(child, node);
            }
        }

        Walk(root, null);
        var departments = await http.GetJsonAsync<List<DepartmentDto>>("/api/departments", cancellationToken);
        if (microGrids.Count == 0 || departments.Count == 0)
        {
            throw new InvalidOperationException("The API has no micro-grids or no departments: is demo mode on?");
        }

        return new Catalog(microGrids, departments);
    }

    public DepartmentDto DepartmentFor(string category, Random random)
    {
        var able = Departments.Where(d => d.Categories.Contains(category)).ToList();
        return able.Count > 0 ? able[random.Next(able.Count)] : Departments[random.Next(Departments.Count)];
    }
}
