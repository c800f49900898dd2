using Cases.Domain.Grid;

namespace Cases.Domain.Routing;

/// <summary>A category and urgency that must start higher than its micro-grid.</summary>
public sealed record StartRule(string Category, Urgency Urgency, GridLevel StartAt);

/// <summary>
/// Routing as data: where appeals start, and which department to suggest when a case is dispatched
/// without naming one. One document, replaced as a whole by an administrator.
/// </summary>
public sealed record RoutingRules(IReadOnlyList<StartRule> StartRules, IReadOnlyDictionary<string, string> SuggestedDepartments)
{
    public const string DocumentId = "routing";

    public string Id { get; init; } = DocumentId;

    public static RoutingRules None { get; } = new([], new Dictionary<string, string>());

    public GridLevel? StartFor(string category, Urgency urgency) =>
        StartRules.FirstOrDefault(r => r.Category == category && r.Urgency == urgency)?.StartAt;

    public string? SuggestDepartment(string category) =>
        SuggestedDepartments.TryGetValue(category, out var department) ? department : null;
}
