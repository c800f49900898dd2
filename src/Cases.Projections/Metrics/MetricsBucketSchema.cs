using Marten.Schema;

namespace Cases.Projections.Metrics;

/// <summary>
/// The rollups' columns and their one index. Every read names a scope (or a few), a grain and usually a category, and
/// then a range of days: one composite index on (scope, grain, category, day) finds exactly the rows it wants. With one
/// index per column, PostgreSQL's generic plan for the prepared statement (Npgsql prepares it after a few runs) could
/// not tell a scope from a day range and combined the scope index with the day index, which matches every row: the
/// district summary read 83,812 index entries for its 13 month rows, and that cost grew with the store. Four single
/// indexes also cost every rollup write four index updates where one now does.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MetricsBucketSchemaAttribute : MartenAttribute
{
    public static readonly string Table = "mt_doc_" + nameof(MetricsBucket).ToLowerInvariant();

    /// <summary>The members the index covers, in its column order.</summary>
    public static readonly string[] LookupMembers = [nameof(MetricsBucket.Scope), nameof(MetricsBucket.Grain), nameof(MetricsBucket.Category), nameof(MetricsBucket.Day)];

    public override void Modify(DocumentMapping mapping) =>
        // Duplicated into columns without an index of their own (Schema.For<T>().Duplicate would add one each).
        mapping.AddIndex([.. LookupMembers.Select(member => mapping.DuplicateField(member).ColumnName)]);
}
