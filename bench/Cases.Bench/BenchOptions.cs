namespace Cases.Bench;

/// <summary>How long and how hard to push: "quick" is a smoke run of about a minute, "full" gives the published figures.</summary>
public sealed record BenchProfile(
    string Name,
    IReadOnlyList<int> Concurrency,
    TimeSpan LevelDuration,
    TimeSpan Warmup,
    TimeSpan Pause)
{
    public static BenchProfile Quick { get; } = new("quick", [1, 4, 16, 64], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300));

    public static BenchProfile Full { get; } = new("full", [1, 4, 16, 64], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

    public bool IsQuick => Name == "quick";

    public static BenchProfile Named(string name) => name switch
    {
        "quick" => Quick,
        "full" => Full,
        _ => throw new ArgumentException($"Unknown profile '{name}': use quick or full."),
    };
}

/// <summary>
/// The command line: --profile quick|full, --out DIR, --api-dll PATH, --connection-string CS, --levels 1,4,16, --seconds N,
/// --only a,b (the baseline always runs), and --no-durable (the tests' throwaway cluster with fsync off, instead of the default: an embedded cluster with fsync on, as the run command's).
/// </summary>
public sealed record BenchOptions(BenchProfile Profile, string? OutDirectory, string? ApiDll, string? ConnectionString, bool Durable, IReadOnlySet<string>? Only = null)
{
    public const string Usage =
        "Usage: Cases.Bench [--profile quick|full] [--out DIR] [--api-dll PATH] [--connection-string CS] [--levels 1,4,16,64] [--seconds N] [--no-durable] [--only intake,memory,lifecycle]";

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var profile = BenchProfile.Full;
        string? outDirectory = null, apiDll = null;
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Cases");
        IReadOnlyList<int>? levels = null;
        TimeSpan? duration = null;
        var durable = true;
        IReadOnlySet<string>? only = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--profile": profile = BenchProfile.Named(Value()); break;
                case "--out": outDirectory = Value(); break;
                case "--api-dll": apiDll = Value(); break;
                case "--connection-string": connectionString = Value(); break;
                case "--levels": levels = [.. Value().Split(',').Select(int.Parse).Where(n => n is > 0 and <= 512)]; break;
                case "--seconds": duration = TimeSpan.FromSeconds(Math.Clamp(double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 0.5, 120)); break;
                case "--durable": durable = true; break;
                case "--no-durable": durable = false; break;
                case "--only": only = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal); break;
                case "-h" or "--help": throw new ArgumentException(Usage);
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        if (levels is { Count: > 0 })
        {
            profile = profile with { Concurrency = levels };
        }

        if (duration is { } d)
        {
            profile = profile with { LevelDuration = d };
        }

        return new BenchOptions(profile, outDirectory, apiDll, string.IsNullOrWhiteSpace(connectionString) ? null : connectionString, durable, only);
    }
}
