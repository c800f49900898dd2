using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cases.Bench.Infrastructure;
using Cases.Bench.Scenarios;

namespace Cases.Bench.Reporting;

/// <summary>Everything one run measured, as written to latest.json.</summary>
public sealed record BenchReport(
    DateTimeOffset StartedAt,
    string Profile,
    double SecondsPerLevel,
    IReadOnlyList<int> Concurrency,
    MachineInfo Machine,
    ServerSettings PostgreSql,
    string Database,
    string ApiDll,
    string Commit,
    IReadOnlyList<ScenarioResult> Scenarios,
    IReadOnlyList<TargetCheck> Targets,
    long Errors,
    double ElapsedSeconds)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new RoundedDoubleConverter() },
    };

    /// <summary>The most CPU that processes other than the API, PostgreSQL and the bench used during any measured level.</summary>
    public double? MaxOtherCpuCores => Scenarios.SelectMany(s => s.Rows).Select(r => r.Resources?.OtherCpuCores).Max();

    /// <summary>The most steal time (cores the hypervisor gave to others) during any measured level.</summary>
    public double? MaxStolenCores => Scenarios.SelectMany(s => s.Rows).Select(r => r.Resources?.StolenCores).Max();

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes latest.json and latest.md, and a timestamped copy of each under history/.</summary>
    public IReadOnlyList<string> WriteTo(string directory)
    {
        var history = Path.Combine(directory, "history");
        Directory.CreateDirectory(history);
        var stamp = $"{StartedAt.UtcDateTime:yyyyMMdd-HHmmss}-{Profile}";
        var json = ToJson() + "\n";
        var markdown = MarkdownReport.Render(this);
        var files = new[]
        {
            (Path.Combine(directory, "latest.json"), json),
            (Path.Combine(directory, "latest.md"), markdown),
            (Path.Combine(history, $"{stamp}.json"), json),
            (Path.Combine(history, $"{stamp}.md"), markdown),
        };
        foreach (var (path, text) in files)
        {
            // Write beside and move, so that an interrupted run never leaves half a file.
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }

        return [.. files.Select(f => f.Item1)];
    }

    /// <summary>Figures to three decimals: enough for milliseconds, and the JSON stays readable.</summary>
    private sealed class RoundedDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(Math.Round(value, 3));
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
