using Cases.Domain.Sla;
using Npgsql;

namespace Cases.Api.Cases;

/// <summary>
/// Human case numbers (SC-20261125-000123) that agents read out on the phone. The running part comes from a
/// PostgreSQL sequence, taken a block at a time so that intake does not pay a round trip per appeal; a
/// number is never reused, and a block lost with a crashed process only leaves a gap.
/// </summary>
public sealed class CaseNumbers(NpgsqlDataSource dataSource, CasesOptions options)
{
    public const int BlockSize = 50;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _end;
    private bool _ensured;

    public string SequenceName => $"{options.Schema}.case_number_seq";

    public async Task EnsureSequenceAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"create schema if not exists {options.Schema}; create sequence if not exists {SequenceName} increment by {BlockSize} start with 1");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<string> NextAsync(DateTimeOffset raisedAt, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_next >= _end)
            {
                if (!_ensured)
                {
                    await EnsureSequenceAsync(cancellationToken);
                    _ensured = true;
                }

                await using var command = dataSource.CreateCommand($"select nextval('{SequenceName}')");
                var start = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
                _next = start;
                _end = start + BlockSize;
            }

            var number = _next++;
            var day = raisedAt.ToOffset(WorkingCalendar.ChinaStandardTime);
            return $"SC-{day:yyyyMMdd}-{number:D6}";
        }
        finally
        {
            _gate.Release();
        }
    }
}
