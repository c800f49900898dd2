using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Cases.Api.Tests;

/// <summary>
/// The built service, started as operators start it (<c>dotnet Cases.Api.dll</c>, Production), without its
/// connection string: it must stop with a message that names the setting, never come up on some other database.
/// </summary>
public sealed class HostStartupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Without_a_connection_string_the_service_exits_non_zero_naming_the_setting()
    {
        var dll = typeof(HostStartupTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CasesApiDll").Value!;
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);

        // Whatever the test run was given (a CI database, say) must not reach the child, in either spelling.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The service was still running after {Limit.TotalSeconds:0} s without a connection string:\n{Read(stdout)}\n{Read(stderr)}");
        }

        process.WaitForExit(); // drains the redirected output
        var errors = Read(stderr);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("ConnectionStrings__Cases", errors, StringComparison.Ordinal);
        Assert.Contains("build.ps1 run", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal); // a message, not a stack trace
        Assert.DoesNotContain("Listening on", Read(stdout), StringComparison.Ordinal);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
