using System.Text.RegularExpressions;

namespace Cases.Api.Infrastructure.Http;

/// <summary>
/// The framework's own 400s (a query value that does not parse, say) name the .NET type they wanted. A client
/// knows the contract's words, not ours: this puts them in its terms.
/// </summary>
public static partial class ProblemText
{
    private static readonly Dictionary<string, string> Friendly = new(StringComparer.Ordinal)
    {
        ["System.DateTimeOffset"] = "an ISO-8601 timestamp",
        ["System.DateTime"] = "an ISO-8601 timestamp",
        ["System.DateOnly"] = "a date (yyyy-MM-dd)",
        ["System.Int32"] = "a whole number",
        ["System.Int64"] = "a whole number",
        ["System.Boolean"] = "true or false",
        ["System.Guid"] = "a UUID",
        ["System.Double"] = "a number",
        ["System.Decimal"] = "a number",
    };

    [GeneratedRegex(@"\b(?:System|Cases|Microsoft|Npgsql|Marten|Wolverine|JasperFx|Weasel)(?:\.[A-Za-z_][A-Za-z0-9_`]*)+(?:\[[^\]]*\])?", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();

    public static string? Sanitize(string? detail) =>
        detail is null ? null : TypeName().Replace(detail, m => Friendly.GetValueOrDefault(m.Value.TrimEnd('?'), "a value of the expected type"));
}
