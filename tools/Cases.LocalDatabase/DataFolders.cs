namespace Cases.LocalDatabase;

public static class DataFolders
{
    /// <summary>
    /// The embedded cluster's folder: <c>.data/postgres</c> in the repository (git ignores it) when run from a
    /// checkout, so a restart keeps the cases; otherwise under the user's local data folder.
    /// </summary>
    public static string Default()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cases.sln")))
            {
                return Path.Combine(dir.FullName, ".data", "postgres");
            }
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "cases", "postgres");
    }
}
