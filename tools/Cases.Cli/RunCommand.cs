using Cases.Api;

namespace Cases.Cli;

/// <summary>
/// <c>run</c>: the service in demo mode, in this process, on the local database; Ctrl+C or SIGTERM stops the service
/// and then the embedded PostgreSQL (when this process started it). Host settings (<c>--urls</c>, <c>--Cases:FullDistrict=true</c>)
/// may follow the command; the environment works as for the service.
/// </summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(string[] hostArgs, CancellationToken stop)
    {
        var builder = LocalHost.CreateBuilder(hostArgs);
        await using var lease = await builder.UseLocalDatabaseAsync();
        stop.ThrowIfCancellationRequested();
        builder.Configuration.AddInMemoryCollection([new("Cases:Demo", "true")]);
        var app = CasesHost.Build(builder);

        // Stops the host on the signal and disposes it; the lease (the embedded cluster) goes after it.
        await HostingAbstractionsHostExtensions.RunAsync(app, stop);
        return 0;
    }
}
