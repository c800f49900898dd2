using Cases.Api;
using Cases.LocalDatabase;

namespace Cases.Cli;

/// <summary>
/// The service's own host (<see cref="CasesHost"/>) on a database from <see cref="CasesDatabase"/>: ConnectionStrings__Cases
/// when set, otherwise the embedded cluster in <c>.data/postgres</c> (or <c>Cases__DataDirectory</c>), reused while it runs.
/// </summary>
public static class LocalHost
{
    /// <summary>A builder that reads the service's appsettings.json (copied beside this tool) and then the environment and arguments.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) => CasesHost.CreateBuilder(args, AppContext.BaseDirectory);

    /// <summary>Acquires the database the builder's configuration asks for, and points the builder at it.</summary>
    public static async Task<DatabaseLease> UseLocalDatabaseAsync(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // Not cancellable: a cluster half started would outlive us. A signal meanwhile is honoured right afterwards.
        var lease = await CasesDatabase.AcquireAsync(
            CasesHost.ConnectionString(configuration),
            configuration["Cases:DataDirectory"] is { Length: > 0 } folder ? folder : DataFolders.Default(),
            message => Console.WriteLine($"[cases] {message}"),
            CancellationToken.None);
        Console.WriteLine($"[cases] Database: {lease.Description}");
        configuration.AddInMemoryCollection([new($"ConnectionStrings:{CasesHost.ConnectionStringName}", lease.ConnectionString)]);
        return lease;
    }

    /// <summary>Runs a command on the service's registrations (never starting the host), then lets go of the database.</summary>
    /// <param name="replayable">
    /// Everything the command writes can be written again from the events (a projection rebuild): its transactions
    /// may commit without waiting for the WAL flush (<c>synchronous_commit = off</c>, for this process's sessions only).
    /// A crash loses at most the last few commits, which the rebuild's restart replays; the database stays consistent.
    /// </param>
    public static async Task<int> RunCommandAsync(Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken stop, bool replayable = false)
    {
        var builder = CreateBuilder([]);
        await using var lease = await builder.UseLocalDatabaseAsync();
        if (replayable)
        {
            var relaxed = new Npgsql.NpgsqlConnectionStringBuilder(lease.ConnectionString);
            relaxed.Options = $"{relaxed.Options} -c synchronous_commit=off".Trim();
            builder.Configuration.AddInMemoryCollection([new($"ConnectionStrings:{CasesHost.ConnectionStringName}", relaxed.ConnectionString)]);
        }

        stop.ThrowIfCancellationRequested();
        await using var app = CasesHost.BuildForCommands(builder);
        return await command(app.Services, stop);
    }
}
