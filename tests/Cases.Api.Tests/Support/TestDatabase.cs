using Cases.LocalDatabase;
using Npgsql;

namespace Cases.Api.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run, from the same place the service gets its own
/// (explicit connection string, Testcontainers, or a throwaway embedded cluster); each host gets a fresh database on it.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static DatabaseLease? _server;

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await ServerAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<DatabaseLease> ServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_server is null)
            {
                _server = await CasesDatabase.AcquireAsync(
                    Environment.GetEnvironmentVariable("ConnectionStrings__Cases"),
                    dataDirectory: null,
                    message => Console.WriteLine($"[tests] {message}"));
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return _server;
        }
        finally
        {
            Gate.Release();
        }
    }
}
