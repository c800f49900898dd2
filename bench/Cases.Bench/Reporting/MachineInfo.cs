using System.Runtime.InteropServices;

namespace Cases.Bench.Reporting;

/// <summary>The machine the figures came from.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGb, string Os, string Dotnet, string PostgreSql)
{
    public static MachineInfo Describe(string postgresVersion) => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        ReadMemoryGb(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        postgresVersion);

    public override string ToString() =>
        $"{Cores} cores ({CpuModel}), {MemoryGb:0.0} GB RAM, {Os}, {Dotnet}, PostgreSQL {PostgreSql}";

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static double ReadMemoryGb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = line is null ? 0 : long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            return kb / 1024.0 / 1024.0;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0 / 1024.0;
        }
    }
}
