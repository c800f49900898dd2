using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cases.LocalDatabase;

/// <summary>
/// A real RabbitMQ server for a test or a benchmark run, from Debian's package, on free ports with a data directory of
/// its own, as for PostgreSQL. It can be stopped and started again on the same data (a broker restart).
/// </summary>
public sealed class LocalRabbitMq : IAsyncDisposable
{
    public const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Control = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cases-rabbit-{Guid.NewGuid():N}");
    private readonly int _distributionPort = FreePort();
    private readonly string _node = $"cases{Guid.NewGuid():N}"[..16] + "@localhost";
    private Process? _process;

    public int Port { get; } = FreePort();

    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}";

    /// <summary>Why no broker can be had here, or null when one can.</summary>
    public static string? Unavailable =>
        !OperatingSystem.IsLinux() ? "RabbitMQ tests run on Linux only."
        : !File.Exists(Server) ? $"RabbitMQ is not installed ({Server} is missing; `apt-get install rabbitmq-server` provides it, and build.ps1 does so as root)."
        : null;

    public static async Task<LocalRabbitMq> StartAsync()
    {
        var broker = new LocalRabbitMq();
        Directory.CreateDirectory(broker._directory);
        await File.WriteAllTextAsync(Path.Combine(broker._directory, "enabled_plugins"), "[].");
        await broker.StartServerAsync();
        return broker;
    }

    public async Task StartServerAsync()
    {
        var start = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in Environment())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await AcceptsAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"RabbitMQ did not start on port {Port} (logs in {_directory}/log).");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Stops the server cleanly; its durable queues and their messages stay in the data directory.</summary>
    public async Task StopServerAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        var stop = new ProcessStartInfo(Control, ["-n", _node, "stop"]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in Environment())
        {
            stop.Environment[key] = value;
        }

        using (var control = Process.Start(stop)!)
        {
            await control.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        if (!_process.WaitForExit(30_000))
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (Exception)
        {
            _process?.Kill(entireProcessTree: true);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file the server still held; the temp folder is swept anyway.
        }
    }

    private IEnumerable<(string, string)> Environment() =>
    [
        ("HOME", _directory),
        ("RABBITMQ_NODENAME", _node),
        ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
        ("RABBITMQ_NODE_PORT", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("RABBITMQ_DIST_PORT", _distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("RABBITMQ_MNESIA_BASE", Path.Combine(_directory, "mnesia")),
        ("RABBITMQ_LOG_BASE", Path.Combine(_directory, "log")),
        ("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(_directory, "enabled_plugins")),
        ("RABBITMQ_CONFIG_FILE", Path.Combine(_directory, "none")),
        ("RABBITMQ_PID_FILE", Path.Combine(_directory, "rabbit.pid")),
    ];

    /// <summary>Whether the broker speaks AMQP yet: it answers the protocol header with its Connection.Start frame.</summary>
    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), timeout.Token);
            var frame = new byte[1];
            return await stream.ReadAsync(frame, timeout.Token) == 1 && frame[0] == 1;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
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
}
