using Npgsql;

namespace Cases.Api.Infrastructure.Database;

/// <summary>
/// Indexes Marten's configuration cannot express: GIN indexes on the case's micro-grid path and departments,
/// which the backlog counts filter on with the jsonb <c>?</c> operator. Registered after Marten, so it starts
/// once Marten's own start-up service has applied the schema.
/// </summary>
public sealed class CaseIndexes(NpgsqlDataSource dataSource, CasesOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
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
