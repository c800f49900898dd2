using Marten;

namespace Cases.Projections.Metrics;

/// <summary>
/// The table of <see cref="CaseFacts"/> and the names hand-written SQL uses: the one duplicated column (the due time,
/// on a partial index of the open cases that have one) and the JSON names of the filters, camel case as Marten
/// writes them.
/// </summary>
public static class CaseFactsSchema
{
    public static readonly string Table = "mt_doc_" + nameof(CaseFacts).ToLowerInvariant();

    public const string OverdueFrom = "overdue_from";

    public const string Nodes = "nodes";

    public const string Departments = "departments";

    public const string Category = "category";

    public const string Day = "day";

    public static void Configure(StoreOptions options) =>
        options.Schema.For<CaseFacts>()
            .Identity(x => x.Id)
            .Duplicate(x => x.OverdueFrom!, configure: index => index.Predicate = $"{OverdueFrom} is not null");
}
