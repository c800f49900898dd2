using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cases.Bench.Infrastructure;

/// <summary>
/// The real API host as a child process (<c>dotnet Cases.Api.dll</c>), so that its memory and CPU are its own.
/// Its output goes to a log file, shown when it fails to start. Disposing kills it.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly string _dll;
    private readonly string _connectionString;
    private Process _process;
    private StreamWriter _log;

    private ApiProcess(string dll, string connectionString, Process process, string baseUrl, string logPath, StreamWriter log)
    {
        _dll = dll;
        _connectionString = connectionString;
        _process = process;
        BaseUrl = baseUrl;
        LogPath = logPath;
        _log = log;
    }

    /// <summary>How often the API process has been started (1 at first; restarts by the rebuild scenario add one each).</summary>
    public int Starts { get; private set; } = 1;

    public string BaseUrl { get; }

    public string Dll => _dll;

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Finds the Release build of the API: the repository root is the folder holding Cases.sln.</summary>
    public static string LocateDll(string? overridePath)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return File.Exists(overridePath) ? Path.GetFullPath(overridePath) : throw new FileNotFoundException($"--api-dll {overridePath} does not exist.");
        }

        if (Repo.FindRoot() is { } root)
        {
            var dll = Path.Combine(root, "src", "Cases.Api", "bin", "Release", "net10.0", "Cases.Api.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build with `dotnet build bench/Cases.Bench -c Release` first.");
        }

        throw new FileNotFoundException("Cases.sln was not found above the bench or the current folder; pass --api-dll.");
    }

    public static ApiProcess Start(string dll, string connectionString)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var logPath = Path.Combine(Path.GetTempPath(), $"cases-bench-api-{port}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        return new ApiProcess(dll, connectionString, Launch(dll, connectionString, baseUrl, log), baseUrl, logPath, log);
    }

    /// <summary>
    /// Kills the API (if it runs) and starts it again on the same port and database, appending to the same log:
    /// for the scenarios that need the database to themselves (the rebuild) and a fresh process afterwards.
    /// </summary>
    public void Restart() => Restart(Environment);

    /// <summary>Settings added to the API's environment from the next start on (a broker's connection string); empty by default.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    /// <summary>Restarts the API with these settings in its environment, and keeps them for later restarts.</summary>
    public void Restart(IReadOnlyDictionary<string, string> environment)
    {
        Environment = environment;
        Kill();
        lock (_log)
        {
            _log.WriteLine($"---- restarted at {DateTimeOffset.UtcNow:O} ----");
        }

        var old = _process;
        _process = Launch(_dll, _connectionString, BaseUrl, _log, Environment);
        Starts++;
        old.Dispose();
    }

    private static Process Launch(string dll, string connectionString, string baseUrl, StreamWriter log, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.Environment["ConnectionStrings__Cases"] = connectionString;
        info.Environment["Cases__Demo"] = "true";

        // The limiter still runs on every request (its cost is part of what is measured), but never refuses the load.
        info.Environment["Cases__RateLimit__Burst"] = "10000000";
        info.Environment["Cases__RateLimit__PerSecond"] = "10000000";
        info.Environment["ASPNETCORE_URLS"] = baseUrl;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start the API process.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls GET /health until it answers 200, the process dies, or the time runs out.</summary>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode} while starting:\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl + "/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The API did not answer GET /health with 200 within {timeout.TotalSeconds:0} s:\n{LogTail()}");
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    /// <summary>Kills the child synchronously; safe to call more than once and from a ProcessExit handler.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
