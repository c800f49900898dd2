using System.Diagnostics;

namespace Cases.Cluster;

/// <summary>The command line's <c>projections verify</c> against a database: a shadow rebuild compared with the live read models.</summary>
public static class ProjectionsVerify
{
    public static async Task<bool> RunAsync(string connectionString, Action<string> log)
    {
        var dll = LocateCli();
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in new[] { dll, "projections", "verify" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ConnectionStrings__Cases"] = connectionString;
        info.Environment["Cases__Demo"] = "true";
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the command line.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = $"{await output}\n{await errors}".Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // All of it when it found a difference (the table names the documents); the verdict otherwise.
        foreach (var line in process.ExitCode == 0 ? lines.TakeLast(2) : lines)
        {
            log($"verify: {line}");
        }

        return process.ExitCode == 0;
    }

    /// <summary>The command line's build beside this program's: tools/Cases.Cli/bin/{configuration}/net10.0 under the checkout.</summary>
    private static string LocateCli() => Checkout.Build(Path.Combine("tools", "Cases.Cli"), "Cases.Cli.dll");
}
