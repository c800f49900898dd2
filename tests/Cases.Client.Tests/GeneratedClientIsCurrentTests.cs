using System.Diagnostics;
using Cases.Client.Tests.Support;

namespace Cases.Client.Tests;

/// <summary>
/// The committed client under Generated/ is exactly what Kiota makes of the document the API serves now, so it
/// cannot go stale. Set CASES_UPDATE_CLIENT=1 to rewrite it from the served document instead of failing.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class GeneratedClientIsCurrentTests(ClientFixture fixture)
{
    [Fact]
    public async Task The_committed_client_is_what_kiota_generates_from_the_served_document()
    {
        var work = Directory.CreateTempSubdirectory("cases-kiota-");
        try
        {
            var document = Path.Combine(work.FullName, "openapi.json");
            await File.WriteAllTextAsync(document, await fixture.Host.Server.CreateClient().GetStringAsync("/openapi/v1.json"));
            var fresh = Path.Combine(work.FullName, "Generated");
            await Kiota.GenerateAsync(document, fresh);

            var committed = Path.Combine(Kiota.RepositoryRoot, "tests", "Cases.Client.Tests", "Generated");
            var differences = Differences(committed, fresh);
            if (differences.Count > 0 && Environment.GetEnvironmentVariable("CASES_UPDATE_CLIENT") == "1")
            {
                Directory.Delete(committed, recursive: true);
                CopyTree(fresh, committed);
                return;
            }

            Assert.True(differences.Count == 0,
                "The committed Kiota client is stale; the served OpenAPI document has changed. Regenerate it with " +
                "`CASES_UPDATE_CLIENT=1 dotnet pwsh ./build.ps1 test -Filter FullyQualifiedName~GeneratedClientIsCurrent` " +
                "and commit tests/Cases.Client.Tests/Generated. Differences:\n  " + string.Join("\n  ", differences));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static List<string> Differences(string committed, string fresh)
    {
        var left = Files(committed);
        var right = Files(fresh);
        var differences = new List<string>();
        differences.AddRange(left.Keys.Except(right.Keys).Select(f => $"{f}: committed, but no longer generated"));
        differences.AddRange(right.Keys.Except(left.Keys).Select(f => $"{f}: generated, but not committed"));
        differences.AddRange(left.Keys.Intersect(right.Keys).Where(f => left[f] != right[f]).Select(f => $"{f}: differs"));
        return differences;
    }

    // Line endings are normalised: a checkout may convert them.
    private static Dictionary<string, string> Files(string root) => Directory.Exists(root)
        ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(root, f).Replace('\\', '/'),
            f => File.ReadAllText(f).Replace("\r\n", "\n", StringComparison.Ordinal),
            StringComparer.Ordinal)
        : [];

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>The kiota dotnet tool from the repository's tool manifest, kept off the network.</summary>
internal static class Kiota
{
    public const string ClassName = "CasesClient";
    public const string Namespace = "Cases.Client.Generated";

    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task GenerateAsync(string document, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", output,
                     "--class-name", ClassName, "--namespace-name", Namespace, "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // No update check, no tutorial hints, no telemetry: generation must work offline and say only what matters.
        start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        start.Environment["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var said = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            Assert.Fail(said.Contains("kiota", StringComparison.OrdinalIgnoreCase) && said.Contains("not found", StringComparison.OrdinalIgnoreCase)
                ? "The kiota tool is not installed here, so the committed client cannot be checked: run `dotnet tool restore` " +
                  "(Microsoft.OpenApi.Kiota is in .config/dotnet-tools.json).\n" + said
                : $"kiota generate failed with exit code {process.ExitCode}:\n{said}");
        }

        // The lock file records where the document was read from (a temporary path), so it is neither kept nor compared.
        File.Delete(Path.Combine(output, "kiota-lock.json"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cases.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cases.sln not found above " + AppContext.BaseDirectory);
    }
}
