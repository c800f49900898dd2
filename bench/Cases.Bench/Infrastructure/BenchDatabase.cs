using Cases.LocalDatabase;
using Npgsql;

namespace Cases.Bench.Infrastructure;

/// <summary>The server's settings that decide what a commit costs, read with SHOW and reported beside every figure.</summary>
public sealed record ServerSettings(
    string Version,
    string SynchronousCommit,
    string Fsync,
    string FullPageWrites,
    string SharedBuffers,
    string MaxConnections,
    string? DataDirectory);

/// <summary>
/// A fresh database <c>cases_bench_&lt;n&gt;</c> on the server the service and the tests would get
/// (explicit connection string, Testcontainers, or a throwaway embedded cluster), dropped or thrown away afterwards.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly DatabaseLease _server;
    private readonly string _adminConnectionString;
    private string? _clusterDirectory;

    private BenchDatabase(DatabaseLease server, string name, string connectionString, string adminConnectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string ServerDescription => _server.Description;

    /// <param name="durable">
    /// With no explicit connection string: an embedded cluster in a folder of our own, which EmbeddedPostgres runs with
    /// full durability (fsync on, like the run command's), deleted afterwards; otherwise the tests' throwaway cluster (fsync off).
    /// </param>
    public static async Task<BenchDatabase> CreateAsync(string? explicitConnectionString, bool durable, Action<string> log, CancellationToken cancellationToken)
    {
        var clusterDirectory = durable && explicitConnectionString is null ? Path.Combine(Path.GetTempPath(), $"cases-bench-pg-{Guid.NewGuid():N}") : null;
        var server = await CasesDatabase.AcquireAsync(explicitConnectionString, clusterDirectory, log, cancellationToken);
        try
        {
            var name = $"cases_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}";
            var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // Room for the load generator's workers and the API's pools side by side.
            var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, MaxPoolSize = 200 }.ConnectionString;
            log($"Database {name} on {server.Description}");
            return new BenchDatabase(server, name, connectionString, admin) { _clusterDirectory = clusterDirectory };
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task<ServerSettings> ReadSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);

        async Task<string?> Show(string setting)
        {
            try
            {
                await using var command = new NpgsqlCommand($"show {setting}", connection);
                return (string?)await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (PostgresException)
            {
                return null; // data_directory needs a superuser or pg_read_all_settings
            }
        }

        return new ServerSettings(
            await Show("server_version") ?? "?",
            await Show("synchronous_commit") ?? "?",
            await Show("fsync") ?? "?",
            await Show("full_page_writes") ?? "?",
            await Show("shared_buffers") ?? "?",
            await Show("max_connections") ?? "?",
            await Show("data_directory"));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The throwaway cluster goes away below anyway; a leftover database on an explicit server is harmless.
        }

        await _server.DisposeAsync();
        if (_clusterDirectory is not null && Directory.Exists(_clusterDirectory))
        {
            try
            {
                Directory.Delete(_clusterDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A leftover folder in /tmp is harmless.
            }
        }
    }
}
