using System.Diagnostics;

namespace Cases.Bench.Infrastructure;

/// <summary>The checkout the bench runs from: its root (the folder with Cases.sln) and which commit was measured.</summary>
public static class Repo
{
    public static string? FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Cases.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>"abc1234" or "abc1234 + uncommitted changes in src/", so that a figure can be traced to its code.</summary>
    public static string DescribeCommit(string? root)
    {
        if (root is null)
        {
            return "unknown";
        }

        var commit = Git(root, "rev-parse", "--short", "HEAD")?.Trim();
        if (string.IsNullOrEmpty(commit))
        {
            return "unknown";
        }

        var dirty = Git(root, "status", "--porcelain", "--", "src");
        return string.IsNullOrWhiteSpace(dirty) ? commit : $"{commit} + uncommitted changes in src/";
    }

    private static string? Git(string root, params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(5000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
