using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Cases.LocalDatabase;

/// <summary>
/// A private PostgreSQL cluster from the server binaries on this machine: initialised on first use, started
/// on a free loopback port, and stopped when disposed. PostgreSQL refuses to run as root, so when we are
/// root the cluster belongs to, and runs as, the <c>postgres</c> user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private const string SetSid = "/usr/bin/setsid";

    private readonly string _binDirectory;
    private readonly bool _throwaway;
    private readonly bool _startedByUs;
    private readonly Action<string> _log;
    private string? _startOptions;

    private EmbeddedPostgres(string binDirectory, string dataDirectory, int port, bool throwaway, bool startedByUs, Action<string> log)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        _throwaway = throwaway;
        _startedByUs = startedByUs;
        _log = log;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string Description => $"embedded PostgreSQL on 127.0.0.1:{Port} (data in {DataDirectory})";

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        Pooling = true,
        MaxPoolSize = 100,
    }.ConnectionString;

    /// <param name="dataDirectory">A folder to keep between runs, or null for a throwaway cluster in /tmp.</param>
    public static async Task<EmbeddedPostgres> StartAsync(string? dataDirectory, Action<string> log, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries() ?? await InstallAsync(log, cancellationToken) ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries were found (looked in /usr/lib/postgresql/*/bin and PATH), and they could not be installed. " +
            "Install PostgreSQL, or set ConnectionStrings__Cases to a database you have.");

        var throwaway = dataDirectory is null;
        if (throwaway)
        {
            SweepAbandoned(Path.GetTempPath(), TimeSpan.FromMinutes(10), log);
        }

        var data = Path.GetFullPath(dataDirectory ?? Path.Combine(Path.GetTempPath(), $"cases-pg-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(data);
        HandOverToPostgresUser(data);

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            log($"Initialising a PostgreSQL cluster in {data} ...");
            await RunAsync(bin, "initdb", ["-D", data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale"], cancellationToken);
        }

        if (RunningPort(data) is { } runningPort && await AnswersAsync(runningPort, cancellationToken))
        {
            // Running already: the service, while a CLI command shares its database, or an earlier run that did
            // not stop cleanly. Use it, and leave it running for whoever started it.
            log($"Reusing the PostgreSQL cluster already running on port {runningPort}.");
            var reused = new EmbeddedPostgres(bin, data, runningPort, throwaway, startedByUs: false, log);
            await reused.EnsureDatabaseAsync("cases", cancellationToken);
            return reused;
        }

        var port = FreePort();
        log($"Starting PostgreSQL on 127.0.0.1:{port} ...");
        var settings = new List<string>
        {
            $"-p {port}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c max_connections=300",
            "-c shared_buffers=256MB",
        };
        if (File.Exists(Path.Combine(bin, "..", "lib", "pg_stat_statements.so")))
        {
            // Where PostgreSQL's time goes, statement by statement (the benchmark publishes it per appeal); the cost is a few percent.
            settings.Add("-c shared_preload_libraries=pg_stat_statements");
        }

        if (throwaway)
        {
            // A throwaway test cluster need not survive a power cut; the run command's cluster keeps full durability.
            settings.Add("-c fsync=off");
            settings.Add("-c full_page_writes=off");
        }

        var cluster = new EmbeddedPostgres(bin, data, port, throwaway, startedByUs: true, log) { _startOptions = string.Join(' ', settings) };
        await cluster.StartAgainAsync(cancellationToken);
        await cluster.EnsureDatabaseAsync("cases", cancellationToken);
        return cluster;
    }

    /// <summary>Stops the server at once, as a crash or a failover would look to its clients (chaos and outage tests).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunAsync(_binDirectory, "pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], cancellationToken);

    /// <summary>Starts the server again on the same port and data, after <see cref="StopAsync"/>; only for a cluster started here.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var options = _startOptions ?? throw new InvalidOperationException("Only a cluster this process started can be started again.");
        var logFile = Path.Combine(DataDirectory, "postgres.log");
        return RunAsync(_binDirectory, "pg_ctl", ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", logFile, "-o", options], cancellationToken);
    }

    /// <summary>Creates the database if it is not there yet.</summary>
    public async Task EnsureDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{name.Replace("\"", "", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_startedByUs)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(_binDirectory, "pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w"], CancellationToken.None);
        }
        catch (InvalidOperationException e)
        {
            _log($"Stopping PostgreSQL failed: {e.Message}");
        }

        if (_throwaway)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
    }

    private static async Task<string?> InstallAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (!IsRoot || !File.Exists("/usr/bin/apt-get"))
        {
            return null;
        }

        log("PostgreSQL's server binaries are missing: installing them with apt-get (once) ...");
        await RunRawAsync("/usr/bin/apt-get", ["update", "-qq"], cancellationToken);
        await RunRawAsync("/usr/bin/apt-get", ["install", "-y", "-qq", "postgresql"], cancellationToken);
        return FindBinaries();
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void HandOverToPostgresUser(string data)
    {
        if (!IsRoot)
        {
            return;
        }

        // initdb wants the folder owned by the user it runs as, and private to it.
        RunRawAsync("/bin/chown", ["-R", "postgres:postgres", data], CancellationToken.None).GetAwaiter().GetResult();
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Deletes the throwaway clusters (<c>cases-pg-*</c> under <paramref name="root"/>) whose owner ended without deleting
    /// them and that have been stopped for at least <paramref name="age"/>. A test host is ended soon after its last test,
    /// sometimes between stopping its cluster and deleting it, and each test run then left about 1 GB in /tmp. A folder
    /// whose postmaster still runs, or that was touched recently (another process may be initialising it), is left alone.
    /// </summary>
    public static int SweepAbandoned(string root, TimeSpan age, Action<string> log)
    {
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(root, "cases-pg-*"))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < age || PostmasterRuns(folder))
                {
                    continue;
                }

                Directory.Delete(folder, recursive: true);
                removed++;
                log($"Removed an abandoned throwaway cluster: {folder}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process is removing it, or it is not ours to remove.
            }
        }

        return removed;
    }

    private static bool PostmasterRuns(string data)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        if (!int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int? RunningPort(string data)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsync(string bin, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(bin, tool);
        return IsRoot
            ? RunRawAsync("/usr/sbin/runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken)
            : RunRawAsync(executable, arguments, cancellationToken);
    }

    private static async Task RunRawAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // In a session of its own: Ctrl+C or a SIGTERM to the caller's process group must not kill pg_ctl half way
        // (the server it launches would outlive us). The caller finishes starting, then stops the cluster itself.
        var detach = File.Exists(SetSid);
        var info = new ProcessStartInfo(detach ? SetSid : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (detach)
        {
            info.ArgumentList.Add("--wait");
            info.ArgumentList.Add(executable);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(executable)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
