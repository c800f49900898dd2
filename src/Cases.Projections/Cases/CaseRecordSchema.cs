using System.Text;
using Marten;
using Weasel.Postgresql.Tables;

namespace Cases.Projections.Cases;

/// <summary>
/// The columns Marten keeps beside each <see cref="CaseRecord"/> document, and their names for hand-written SQL.
/// Every name comes from the property it duplicates (<c>nameof</c>), so renaming a property renames the column
/// and the SQL together; a test checks each name against the table PostgreSQL really has.
/// </summary>
public static class CaseRecordSchema
{
    public static readonly string Table = "mt_doc_" + nameof(CaseRecord).ToLowerInvariant();

    public static readonly string Status = Column(nameof(CaseRecord.Status));
    public static readonly string Category = Column(nameof(CaseRecord.Category));
    public static readonly string RaisedAt = Column(nameof(CaseRecord.RaisedAt));
    public static readonly string Active = Column(nameof(CaseRecord.Active));
    public static readonly string OverdueFrom = Column(nameof(CaseRecord.OverdueFrom));
    public static readonly string Warned = Column(nameof(CaseRecord.Warned));
    public static readonly string NodePath = Column(nameof(CaseRecord.NodePath));
    public static readonly string OriginPath = Column(nameof(CaseRecord.OriginPath));
    public static readonly string DepartmentIds = Column(nameof(CaseRecord.DepartmentIds));
    public static readonly string PendingDepartmentIds = Column(nameof(CaseRecord.PendingDepartmentIds));
    public static readonly string AcceptedDepartmentIds = Column(nameof(CaseRecord.AcceptedDepartmentIds));
    public static readonly string AcceptanceOverdueDepartmentIds = Column(nameof(CaseRecord.AcceptanceOverdueDepartmentIds));

    /// <summary>Every column the hand-written SQL relies on.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Status, Category, RaisedAt, Active, OverdueFrom, Warned, NodePath, OriginPath, DepartmentIds,
        PendingDepartmentIds, AcceptedDepartmentIds, AcceptanceOverdueDepartmentIds,
    ];

    public static void Configure(StoreOptions options)
    {
        // No GIN index over the whole document: it would tax every command's write. The arrays get their own. Every column here
        // is read by a query (the case list, the boards, the metrics filter); the current node is not (queries go by NodePath),
        // so it is not duplicated: its column and index cost every command a write for nothing.
        options.Schema.For<CaseRecord>()
            .Identity(x => x.Id)
            .Duplicate(x => x.CaseNumber, configure: i => i.IsUnique = true)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Category)
            .Duplicate(x => x.RaisedAt)
            .Duplicate(x => x.Active)
            .Duplicate(x => x.OverdueFrom!)
            .Duplicate(x => x.Warned)
            .Duplicate(x => x.NodePath, pgType: TextArray, configure: Gin)
            .Duplicate(x => x.OriginPath, pgType: TextArray, configure: Gin)
            .Duplicate(x => x.DepartmentIds, pgType: TextArray, configure: Gin)
            .Duplicate(x => x.PendingDepartmentIds, pgType: TextArray, configure: Gin)
            .Duplicate(x => x.AcceptedDepartmentIds, pgType: TextArray, configure: Gin)
            .Duplicate(x => x.AcceptanceOverdueDepartmentIds, pgType: TextArray, configure: Gin);
    }

    /// <summary>The arrays' column type, so that SQL can compare them with <c>array[@value]::text[]</c>.</summary>
    public const string TextArray = "text[]";

    private static void Gin(Marten.Schema.DocumentIndex index) => index.Method = IndexMethod.gin;

    /// <summary>Marten's naming of a duplicated column: the member name in snake case.</summary>
    private static string Column(string member)
    {
        var name = new StringBuilder();
        foreach (var c in member)
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }
}
