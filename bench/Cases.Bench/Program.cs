using System.Runtime.InteropServices;
using Cases.Bench;
using Spectre.Console;

// The benchmark: how much of this machine's PostgreSQL ceiling reaches residents through the real API.
// See README.md, "Performance"; `dotnet pwsh ./build.ps1 bench` runs it.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (Console.IsOutputRedirected)
{
    // Piped into a log or CI: no terminal to measure, so give the tables room instead of 80 columns.
    AnsiConsole.Profile.Width = 200;
}

using var cancel = new CancellationTokenSource();

// The first Ctrl+C (or SIGTERM) stops the run cleanly: the API process is killed and the database let go of.
// A second one ends the process at once.
void Stop(PosixSignalContext signal)
{
    signal.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    return await BenchRunner.RunAsync(options, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    AnsiConsole.MarkupLine("[yellow]Cancelled; nothing was written.[/]");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or HttpRequestException or Npgsql.NpgsqlException)
{
    AnsiConsole.MarkupLine($"[red]The benchmark failed:[/] {Markup.Escape(e.Message)}");
    return 1;
}
