using System.Diagnostics;

namespace Cases.Api.Tests;

/// <summary>
/// The handlers' code is generated ahead of time into src/Cases.Api/Internal/Generated and compiled into the service, so that no node
/// loads Roslyn to compile it at run time. This regenerates it into a scratch folder with the service's own <c>codegen write</c> and
/// compares it file by file with what is committed: a handler changed without `build.ps1 codegen` fails here, not in production.
/// </summary>
public sealed class GeneratedCodeIsCurrentTests
{
    [Fact]
    public async Task The_committed_generated_code_is_what_codegen_writes_now()
    {
        var root = Support.OpenApiContract.RepositoryRoot();
        var committed = Path.Combine(root, "src", "Cases.Api", "Internal", "Generated");
        var scratch = Directory.CreateTempSubdirectory("cases-codegen-");
        try
        {
            var service = Path.Combine(AppContext.BaseDirectory, "Cases.Api.dll");
            var start = new ProcessStartInfo("dotnet", [service, "codegen", "write"])
            {
                WorkingDirectory = scratch.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment.Remove("ConnectionStrings__Cases");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"codegen write failed ({process.ExitCode}):\n{await output}\n{await errors}");

            var written = Path.Combine(scratch.FullName, "Internal", "Generated");
            var expected = Files(written);
            var actual = Files(committed);
            Assert.NotEmpty(expected);
            Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                $"The generated files differ: run `dotnet pwsh ./build.ps1 codegen`. Missing: {string.Join(", ", expected.Keys.Except(actual.Keys))}; extra: {string.Join(", ", actual.Keys.Except(expected.Keys))}");
            foreach (var (name, text) in expected)
            {
                Assert.True(text == actual[name], $"{name} is out of date: run `dotnet pwsh ./build.ps1 codegen`.");
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
