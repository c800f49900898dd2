using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cases.Cluster;

/// <summary>
/// One API node in a process of its own (the service's own entry point, <c>Cases.Api.dll</c>), so that it can be killed
/// with SIGKILL or drained with SIGTERM like a node on a server. Its output goes to a log file.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Action<string> _log;
    private Process? _process;

    private NodeProcess(string name, int port, string logFile, IReadOnlyDictionary<string, string> environment, Action<string> log)
    {
        Name = name;
        Port = port;
        LogFile = logFile;
        _environment = environment;
        _log = log;
    }

    public string Name { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string LogFile { get; }

    public bool Running => _process is { HasExited: false };

    /// <param name="settings">Configuration as environment variables (<c>Cases__Demo</c>, <c>ConnectionStrings__Cases</c>, ...).</param>
    public static NodeProcess Start(string name, int port, IReadOnlyDictionary<string, string> settings, string logFolder, Action<string> log)
    {
        Directory.CreateDirectory(logFolder);
        var node = new NodeProcess(name, port, Path.Combine(logFolder, $"{name}.log"), settings, log);
        node.Launch();
        return node;
    }

    /// <summary>A free loopback port, for a node or the proxy.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Where the service's entry point is: beside the running program where it references the service (the tests, the
    /// command line), else the service's own build in the checkout (the benchmark, which runs the service as it ships).
    /// </summary>
    public static string ServiceAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Cases.Api.dll");
        return File.Exists(beside) ? beside : Checkout.Build(Path.Combine("src", "Cases.Api"), "Cases.Api.dll");
    }

    /// <summary>kill -9: no drain, no goodbye; its agents and leases stay with it until the others notice.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            _log($"{Name}: kill -9 (pid {process.Id})");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then wait for the node to drain and exit.</summary>
    public async Task StopAsync(TimeSpan patience)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _log($"{Name}: did not stop within {patience.TotalSeconds:0} s of SIGTERM; killing it.");
            Kill();
        }
    }

    /// <summary>Starts the node again, on the same port and settings, after it stopped or was killed.</summary>
    public void Restart()
    {
        Kill();
        Launch();
    }

    /// <summary>Waits until the node answers its readiness probe.</summary>
    public async Task WaitReadyAsync(TimeSpan patience, CancellationToken ct = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"{Name} exited with {exited.ExitCode} before it was ready; see {LogFile}.");
            }

            try
            {
                if ((await http.GetAsync(new Uri($"{Url}/health/ready"), ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"{Name} was not ready within {patience.TotalSeconds:0} s; see {LogFile}.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process?.Dispose();
    }

    private void Launch()
    {
        var assembly = ServiceAssembly();
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // appsettings.json is beside the assembly: the content root.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        info.Environment["ASPNETCORE_URLS"] = Url;
        info.Environment["Cases__NodeName"] = Name;
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Name}.");
        var writer = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        var gate = new object();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    try
                    {
                        writer.WriteLine(line);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The last lines of a killed node may arrive after its log was closed.
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                writer.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;
        _log($"{Name}: started (pid {process.Id}) on {Url}; log {LogFile}");
    }
}
