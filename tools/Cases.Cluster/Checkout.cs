namespace Cases.Cluster;

/// <summary>Finds a sibling program's build in the checkout this program was built from.</summary>
internal static class Checkout
{
    /// <summary>
    /// <paramref name="project"/>'s <paramref name="dll"/> under <c>bin/{configuration}/net10.0</c>, the configuration being this
    /// program's own; found by walking up from this program to the folder that holds <c>Cases.sln</c>.
    /// </summary>
    public static string Build(string project, string dll)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent?.Name ?? "Release";
        for (var folder = here; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cases.sln")))
            {
                var path = Path.Combine(folder.FullName, project, "bin", configuration, "net10.0", dll);
                return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution first.", path);
            }
        }

        throw new FileNotFoundException($"Cases.sln was not found above {AppContext.BaseDirectory}; {dll} cannot be located.");
    }
}
