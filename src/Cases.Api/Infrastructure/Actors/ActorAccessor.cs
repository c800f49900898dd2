using Cases.Domain;

namespace Cases.Api.Infrastructure.Actors;

/// <summary>
/// The single seam that says who is calling. Until authentication exists the caller declares itself in
/// request headers; the authenticated principal replaces this class, and no endpoint changes.
/// </summary>
public interface IActorAccessor
{
    Actor Current(HttpContext context);
}

/// <summary>
/// Reads <c>X-Cases-Actor</c> (id), <c>X-Cases-Role</c>, <c>X-Cases-Node</c>, <c>X-Cases-Department</c> and
/// <c>X-Cases-Actor-Name</c>. With no headers the caller is the unscoped actor "anonymous" in role "agent".
/// </summary>
public sealed class HeaderActorAccessor : IActorAccessor
{
    public const string IdHeader = "X-Cases-Actor";
    public const string RoleHeader = "X-Cases-Role";
    public const string NodeHeader = "X-Cases-Node";
    public const string DepartmentHeader = "X-Cases-Department";
    public const string NameHeader = "X-Cases-Actor-Name";

    public Actor Current(HttpContext context)
    {
        var headers = context.Request.Headers;
        return new Actor(
            Value(headers, IdHeader) ?? "anonymous",
            Value(headers, RoleHeader) ?? "agent",
            Value(headers, NameHeader),
            Value(headers, NodeHeader),
            Value(headers, DepartmentHeader));
    }

    private static string? Value(IHeaderDictionary headers, string name)
    {
        var value = headers[name].ToString().Trim();
        return value.Length == 0 ? null : value[..Math.Min(value.Length, 100)];
    }
}
