using System.Net;
using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Cases.LocalDatabase;

/// <summary>A database the command line, the tests or the benchmark can use, and how to let go of it.</summary>
public sealed class DatabaseLease(string connectionString, string description, Func<ValueTask>? release = null) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>Where the database came from, for the start-up log.</summary>
    public string Description { get; } = description;

    public ValueTask DisposeAsync() => release?.Invoke() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The one place that decides where the database comes from, in this order: an explicit connection string,
/// a Testcontainers PostgreSQL where a Docker engine answers, and otherwise a private cluster started from
/// the installed PostgreSQL server binaries. The command line's <c>run</c>, the tests and the benchmark come through
/// here; the service itself never does, so a node without its connection string stops instead of starting empty.
/// </summary>
public static class CasesDatabase
{
    /// <param name="explicitConnectionString">From <c>ConnectionStrings__Cases</c>, if given.</param>
    /// <param name="dataDirectory">Where an embedded cluster keeps its files; null for a throwaway cluster.</param>
    /// <param name="log">Progress lines for the person waiting.</param>
    public static async Task<DatabaseLease> AcquireAsync(
        string? explicitConnectionString,
        string? dataDirectory,
        Action<string> log,
        CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrWhiteSpace(explicitConnectionString))
        {
            var builder = new NpgsqlConnectionStringBuilder(explicitConnectionString);
            return new DatabaseLease(explicitConnectionString, $"explicit connection string (host {builder.Host}, database {builder.Database})");
        }

        if (await DockerAnswersAsync(cancellationToken))
        {
            log("A Docker engine answers: starting PostgreSQL with Testcontainers...");
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync(cancellationToken);
            return new DatabaseLease(container.GetConnectionString(), "Testcontainers PostgreSQL", container.DisposeAsync);
        }

        var cluster = await EmbeddedPostgres.StartAsync(dataDirectory, log, cancellationToken);
        return new DatabaseLease(cluster.ConnectionString("cases"), cluster.Description, cluster.DisposeAsync);
    }

    /// <summary>True when a Docker engine answers its ping within a second; the client alone is not enough.</summary>
    public static async Task<bool> DockerAnswersAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("CASES_NO_DOCKER") is "1" or "true")
        {
            return false;
        }

        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            Socket socket;
            EndPoint endpoint;
            if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
                if (!File.Exists(path))
                {
                    return false;
                }

                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                endpoint = new UnixDomainSocketEndPoint(path);
            }
            else if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme == "tcp")
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                endpoint = new DnsEndPoint(uri.Host, uri.Port);
            }
            else
            {
                return false;
            }

            using (socket)
            {
                await socket.ConnectAsync(endpoint, timeout.Token);
                await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
                var buffer = new byte[512];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                return answer.Contains(" 200 ", StringComparison.Ordinal);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
