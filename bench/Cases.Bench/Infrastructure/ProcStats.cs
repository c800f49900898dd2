using System.Globalization;

namespace Cases.Bench.Infrastructure;

/// <summary>What Linux says about a process and the machine, from /proc. Everything returns null off Linux.</summary>
public static class ProcStats
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux we run on

    /// <summary>A field of /proc/&lt;pid&gt;/status in kB, such as VmRSS or VmHWM, converted to MB.</summary>
    public static double? StatusMb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }

    /// <summary>CPU seconds a process has used (user + system), optionally with its reaped children's.</summary>
    public static double? CpuSeconds(int pid, bool withReapedChildren = false)
    {
        if (Stat(pid) is not { } fields)
        {
            return null;
        }

        // After "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14.
        var ticks = Tick(fields, 11) + Tick(fields, 12);
        if (withReapedChildren)
        {
            ticks += Tick(fields, 13) + Tick(fields, 14);
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>CPU seconds of a process tree one level deep: the parent (with the children it reaped) and its live children.</summary>
    public static double? TreeCpuSeconds(int rootPid)
    {
        if (CpuSeconds(rootPid, withReapedChildren: true) is not { } total)
        {
            return null;
        }

        foreach (var directory in SafeDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != rootPid
                && Stat(pid) is { } fields && fields.Length > 2 && fields[1] == rootPid.ToString(CultureInfo.InvariantCulture))
            {
                total += (Tick(fields, 11) + Tick(fields, 12)) / TicksPerSecond;
            }
        }

        return total;
    }

    /// <summary>
    /// Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. Busy is user, nice and system
    /// time, the time processes are charged with; interrupts (loopback networking runs there) and steal are left out.
    /// </summary>
    public static (double Busy, double Total, double Stolen)? MachineCpuSeconds()
    {
        try
        {
            var first = File.ReadLines("/proc/stat").First();
            var values = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal. Steal is the time a virtual machine's cores were ready to
            // run but the hypervisor ran something else: a neighbour's load, invisible to every process count here.
            var busy = values[0] + values[1] + values[2];
            var stolen = values.Length > 7 ? values[7] : 0;
            return (busy / TicksPerSecond, values.Sum() / TicksPerSecond, stolen / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The postmaster's pid, from postmaster.pid in the cluster's data directory.</summary>
    public static int? PostmasterPid(string? dataDirectory)
    {
        try
        {
            return dataDirectory is not null && int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid)
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Tick(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static IEnumerable<string> SafeDirectories(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
