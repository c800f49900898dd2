using Marten;
using Npgsql;

namespace Cases.Api.Infrastructure.Database;

/// <summary>
/// Indexes Marten's configuration cannot express: GIN indexes on the case's micro-grid path and departments,
/// which the backlog counts filter on with the jsonb <c>?</c> operator. Created once at start-up, after
/// Marten has applied its own schema.
/// </summary>
public sealed class CaseIndexes(NpgsqlDataSource dataSource, CasesOptions options, IDocumentStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var schema = options.Schema;
        await using var command = dataSource.CreateCommand($"""
            create index if not exists cases_case_micro_grid_path on {schema}.mt_doc_case using gin ((data -> 'microGridPath'));
            create index if not exists cases_case_department_ids on {schema}.mt_doc_case using gin ((data -> 'departmentIds'));
            create index if not exists cases_case_active on {schema}.mt_doc_case (status) where status in ('Open', 'Acknowledged', 'Dispatched');
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
