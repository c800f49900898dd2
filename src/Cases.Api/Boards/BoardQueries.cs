using Cases.Domain;
using Cases.Domain.Grid;
using Npgsql;
using NpgsqlTypes;
using C = Cases.Projections.Cases.CaseRecordSchema;

namespace Cases.Api.Boards;

/// <summary>
/// The boards, counted by PostgreSQL over the case read model's columns: one grouped pass, whatever the number
/// of cases, so the process's memory does not grow with the backlog. The rules (active, overdue, warned) are
/// the domain's, stored by the read model as columns; this SQL only compares them.
/// </summary>
public sealed class BoardQueries(NpgsqlDataSource dataSource, CasesOptions options)
{
    private static readonly string Resolved = CaseStatus.Resolved.ToString();

    /// <summary>The counts for the node itself and for each of its children, keyed by node id.</summary>
    public async Task<IReadOnlyDictionary<string, BoardCounts>> CountUnderAsync(GridNode node, DateTimeOffset now, CancellationToken ct)
    {
        // Paths are district first, so the node sits at index level + 1 (PostgreSQL arrays count from 1) and the
        // child that holds a case beneath it at level + 2; a case held at the node itself has no child there.
        await using var command = dataSource.CreateCommand($"""
            select {C.NodePath}[@childIndex], {C.Status}, count(*),
                   count(*) filter (where {C.OverdueFrom} < @now), count(*) filter (where {C.Warned})
            from {options.Schema}.{C.Table}
            where {C.NodePath} @> array[@node]::text[] and ({C.Active} or {C.Status} = @resolved)
            group by 1, 2
            """);
        command.Parameters.AddWithValue("childIndex", (int)node.Level + 2);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("node", NpgsqlDbType.Text, node.Id);
        command.Parameters.AddWithValue("resolved", Resolved);

        var counts = new Dictionary<string, BoardCounts>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = Row(Enum.Parse<CaseStatus>(reader.GetString(1)), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            counts[node.Id] = Add(counts.GetValueOrDefault(node.Id, BoardCounts.None), row);
            if (!reader.IsDBNull(0))
            {
                var child = reader.GetString(0);
                counts[child] = Add(counts.GetValueOrDefault(child, BoardCounts.None), row);
            }
        }

        return counts;
    }

    public async Task<DepartmentBoard> CountForDepartmentAsync(string departmentId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select count(*) filter (where {C.PendingDepartmentIds} @> d),
                   count(*) filter (where {C.AcceptedDepartmentIds} @> d),
                   count(*) filter (where {C.AcceptanceOverdueDepartmentIds} @> d),
                   count(*),
                   count(*) filter (where {C.OverdueFrom} < @now)
            from {options.Schema}.{C.Table}, (select array[@department]::text[] as d) department
            where {C.Active} and ({C.PendingDepartmentIds} @> d or {C.AcceptedDepartmentIds} @> d)
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("department", NpgsqlDbType.Text, departmentId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DepartmentBoard(departmentId, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private static BoardCounts Row(CaseStatus status, long count, long overdue, long warned) => new(
        status == CaseStatus.Open ? count : 0,
        status == CaseStatus.Acknowledged ? count : 0,
        status == CaseStatus.Dispatched ? count : 0,
        status == CaseStatus.Resolved ? count : 0,
        overdue,
        warned);

    private static BoardCounts Add(BoardCounts a, BoardCounts b) => new(
        a.Open + b.Open, a.Acknowledged + b.Acknowledged, a.Dispatched + b.Dispatched,
        a.AwaitingFeedback + b.AwaitingFeedback, a.Overdue + b.Overdue, a.Warned + b.Warned);
}
