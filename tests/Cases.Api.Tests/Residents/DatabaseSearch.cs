using System.Text;
using Npgsql;

namespace Cases.Api.Tests.Residents;

/// <summary>
/// Looks for strings in every row of every table of a database, whatever the schema (Marten's, Wolverine's, ours):
/// each row cast to text, and each bytea column (Wolverine's envelope bodies) searched as bytes. A string is looked
/// for as written and as JSON escapes it (\uXXXX), since a serializer may store either.
/// </summary>
public static class DatabaseSearch
{
    /// <summary>Where each needle was found, as "schema.table"; empty when nowhere.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string connectionString, params string[] needles)
    {
        var forms = needles.SelectMany(Forms).Distinct().ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<(string Schema, string Table, List<string> ByteaColumns)>();
        await using (var list = new NpgsqlCommand(
            """
            select t.table_schema, t.table_name,
                   coalesce(array_agg(c.column_name::text) filter (where c.data_type = 'bytea'), '{}')
            from information_schema.tables t
            left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
            where t.table_type = 'BASE TABLE' and t.table_schema not in ('pg_catalog', 'information_schema')
            group by t.table_schema, t.table_name
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetString(1), [.. reader.GetFieldValue<string[]>(2)]));
            }
        }

        Assert.NotEmpty(tables);
        var found = new List<string>();
        foreach (var (schema, table, bytea) in tables)
        {
            var conditions = new List<string> { "x::text ilike any(@patterns)" };
            conditions.AddRange(bytea.SelectMany(column => forms.Select((_, i) => $"position(@b{i} in x.\"{column}\") > 0")));
            await using var search = new NpgsqlCommand($"select count(*) from \"{schema}\".\"{table}\" x where {string.Join(" or ", conditions)}", connection);
            search.Parameters.AddWithValue("patterns", forms.Select(f => "%" + Like(f) + "%").ToArray());
            for (var i = 0; i < forms.Length && bytea.Count > 0; i++)
            {
                search.Parameters.AddWithValue($"b{i}", Encoding.UTF8.GetBytes(forms[i]));
            }

            if ((long)(await search.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{schema}.{table}");
            }
        }

        return found;
    }

    private static IEnumerable<string> Forms(string needle)
    {
        yield return needle;
        if (needle.Any(c => c > 127))
        {
            yield return string.Concat(needle.Select(c => c > 127 ? $"\\u{(int)c:X4}" : c.ToString()));
            yield return string.Concat(needle.Select(c => c > 127 ? $"\\u{(int)c:x4}" : c.ToString()));
        }
    }

    private static string Like(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
