using System.Globalization;
using Cases.Api.Audit;
using Marten;
using Spectre.Console;

namespace Cases.Cli;

/// <summary>
/// <c>export</c> writes case histories as NDJSON to a file (the same lines as GET /api/audit/export, contact masked);
/// <c>import</c> appends such a file to the configured database, meant to be a scratch one, and replays the projections.
/// </summary>
public static class AuditCommands
{
    public static bool TryParseExport(string[] args, out Guid? caseId, out DateTimeOffset from, out DateTimeOffset to, out string file)
    {
        caseId = null;
        from = to = default;
        file = "";
        switch (args)
        {
            case ["export", "--case", var id, "--out", var path] when Guid.TryParse(id, out var c):
                caseId = c;
                file = path;
                return true;
            case ["export", "--from", var f, "--to", var t, "--out", var path]
                when DateTimeOffset.TryParse(f, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from)
                && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out to) && from < to:
                file = path;
                return true;
            default:
                Console.Error.WriteLine("usage: Cases.Cli export --case CASE_ID --out FILE | export --from ISO_TIME --to ISO_TIME --out FILE");
                return false;
        }
    }

    public static async Task<int> ExportAsync(IServiceProvider services, Guid? caseId, DateTimeOffset from, DateTimeOffset to, string file, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var cases = caseId is { } id ? [id] : await AuditExport.CasesRaisedAsync(session, from, to, ct);
        long events = 0;
        await using (var output = File.Create(file))
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Exporting {cases.Count:N0} cases", maxValue: Math.Max(1, cases.Count));
                    foreach (var one in cases)
                    {
                        events += await AuditExport.WriteAsync(session, [one], output, null, ct);
                        task.Increment(1);
                    }

                    task.Value = task.MaxValue;
                });
        }

        AnsiConsole.MarkupLine($"[green]Exported[/] {cases.Count:N0} cases, {events:N0} events, to {Markup.Escape(file)}.");
        return 0;
    }

    public static async Task<int> ImportAsync(IServiceProvider services, string file, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"[cases] No such file: {file}");
            return 2;
        }

        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var size = new FileInfo(file).Length;
        (long Cases, long Events) imported = default;
        using (var reader = new StreamReader(file))
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("Appending the events", maxValue: Math.Max(1, size));
                    imported = await AuditImport.ImportAsync(store, reader, _ => task.Value = reader.BaseStream.Position, ct);
                    task.Value = task.MaxValue;
                });
        }

        AnsiConsole.MarkupLine($"[green]Appended[/] {imported.Cases:N0} cases, {imported.Events:N0} events. Replaying the projections:");
        return await ProjectionsCommand.RunAsync(services, "rebuild", ct);
    }
}
