using Cases.Cli;

// Ctrl+C and SIGTERM ask the command to stop; this process ends only after the database it started has stopped too.
using var signals = new StopSignals();
try
{
    return args switch
    {
        ["run", .. var hostArgs] => await RunCommand.RunAsync(hostArgs, signals.Token),
        ["cluster", .. var clusterArgs] => await ClusterCommand.RunAsync(clusterArgs, signals.Token),
        ["projections", var verb] when verb is "rebuild" or "verify" or "rebuild-cases" =>
            await LocalHost.RunCommandAsync((services, ct) => ProjectionsCommand.RunAsync(services, verb, ct), signals.Token, replayable: verb == "rebuild" && RelaxedCommit()),
        ["audit", var verb] when verb is "verify" or "head" =>
            await LocalHost.RunCommandAsync((services, ct) => AuditCommand.RunAsync(services, verb, ct), signals.Token),
        ["generate", ..] when GenerateCommand.TryParse(args, out var cases, out var days) =>
            await LocalHost.RunCommandAsync((services, ct) => GenerateCommand.RunAsync(services, cases, days, ct), signals.Token),
        ["generate", ..] => 2,
        ["export", ..] when AuditCommands.TryParseExport(args, out var caseId, out var from, out var to, out var file) =>
            await LocalHost.RunCommandAsync((services, ct) => AuditCommands.ExportAsync(services, caseId, from, to, file, ct), signals.Token),
        ["export", ..] => 2,
        ["import", var file] =>
            await LocalHost.RunCommandAsync((services, ct) => AuditCommands.ImportAsync(services, file, ct), signals.Token),
        _ => Usage(),
    };
}
catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
{
    Console.Error.WriteLine("[cases] Stopped.");
    return 130;
}

// The rebuild's writes are replayable, so by default they commit without waiting for the WAL flush;
// CASES_REBUILD_SYNCHRONOUS_COMMIT=on keeps the server's setting (to measure the difference).
static bool RelaxedCommit() => !string.Equals(Environment.GetEnvironmentVariable("CASES_REBUILD_SYNCHRONOUS_COMMIT"), "on", StringComparison.OrdinalIgnoreCase);

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Cases.Cli <command>

          run [HOST SETTINGS]            the service in demo mode on the embedded database (.data/postgres), or on
                                         ConnectionStrings__Cases when set; e.g. run --urls http://127.0.0.1:5099
          cluster [NODES] [--urls URL]   NODES (3) API nodes on the same database, each a process, behind a YARP
                                         reverse proxy on URL (http://127.0.0.1:5080); node logs in .data/cluster
          projections rebuild            rebuild the async read models (metrics, dispatch feed) in one pass
                                         over the events and one transaction; stop the service first
          projections verify             rebuild every read model (metrics, case records, dispatch feed) into a shadow
                                         copy and compare with the live one; exit 1 on a difference
          projections rebuild-cases      replay the inline case read model (after its shape changed)
          audit verify                   check every event against the tamper-evidence chain; exit 1 when it breaks
          audit head                     print the chain head (position and hash), to record outside the database
          generate CASES [DAYS]          append CASES generated case histories raised over the last DAYS days (365)
          export --case ID --out FILE    a case's history as NDJSON (contact masked), with a progress display
          export --from T --to T --out FILE   every case raised in [from, to), likewise
          import FILE                    append an export to the database (meant to be a scratch one), then
                                         replay the projections

        The commands use the same database as `run` (the embedded cluster is shared while `run` is up),
        or ConnectionStrings__Cases when set. From the checkout: dotnet pwsh ./build.ps1 run|rebuild|verify
        """);
    return 2;
}
