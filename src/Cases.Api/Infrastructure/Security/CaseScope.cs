using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Projections.Cases;

namespace Cases.Api.Infrastructure.Security;

/// <summary>
/// Which cases, nodes and departments a caller may reach: the one place object-level authorization lives.
/// <para>
/// The rule for refusals: a case outside the caller's scope is answered exactly like a case that does not
/// exist (<c>404</c>, same detail), because a <c>403</c> would confirm a guessed id. Nodes and departments are
/// reference data every role reads, so refusing one of those reveals nothing and is a <c>403</c>, as is a role
/// that may never call the endpoint at all.
/// </para>
/// </summary>
public static class CaseScope
{
    /// <summary>May the caller read this case (view, history, past states)?</summary>
    public static bool MayRead(Actor actor, CaseRecord c) => actor.Role switch
    {
        Roles.Agent or Roles.Auditor => true,
        Roles.GridWorker or Roles.Coordinator => actor.NodeId is { } node && (c.NodePath.Contains(node) || c.OriginPath.Contains(node)),
        Roles.Department => actor.DepartmentId is { } department && c.DepartmentIds.Contains(department),
        _ => false,
    };

    /// <summary>
    /// May the caller's commands reach this case? Handlers act at their node and beneath it; a department on
    /// a case it has a dispatch for; agents on any case, for the resident's follow-up call. The domain then
    /// decides whether the command suits the case's state and the actor's exact place.
    /// </summary>
    public static bool MayAct(Actor actor, CaseRecord c) => actor.Role switch
    {
        Roles.Agent => true,
        Roles.GridWorker or Roles.Coordinator => actor.NodeId is { } node && c.NodePath.Contains(node),
        Roles.Department => actor.DepartmentId is { } department && c.DepartmentIds.Contains(department),
        _ => false,
    };

    /// <summary>The cases a list may show this caller: the same rule as <see cref="MayRead"/>, as a query.</summary>
    public static IQueryable<CaseRecord> Readable(IQueryable<CaseRecord> cases, Actor actor)
    {
        switch (actor.Role)
        {
            case Roles.Agent or Roles.Auditor:
                return cases;
            case Roles.GridWorker or Roles.Coordinator when actor.NodeId is { } node:
                return cases.Where(c => c.NodePath.Contains(node) || c.OriginPath.Contains(node));
            case Roles.Department when actor.DepartmentId is { } department:
                return cases.Where(c => c.DepartmentIds.Contains(department));
            default:
                return cases.Where(c => c.Id == Guid.Empty);
        }
    }

    /// <summary>
    /// The node or department a metrics request covers for this caller: a handler's own node unless it names one
    /// beneath, a department's own department. Unknown ids pass through for the filter to answer 404.
    /// </summary>
    public static (string? NodeId, string? DepartmentId, IResult? Refusal) Metrics(Actor actor, GridTree tree, string? nodeId, string? departmentId)
    {
        switch (actor.Role)
        {
            case Roles.Auditor or Roles.Admin:
                return (nodeId, departmentId, null);
            case Roles.GridWorker or Roles.Coordinator when actor.NodeId is { } own:
                if (departmentId is not null)
                {
                    return (null, null, Forbidden("A department's figures span nodes outside your own; ask for a node at or beneath yours."));
                }

                nodeId ??= own;
                return tree.Find(nodeId) is null || MayReadNode(actor, tree, nodeId)
                    ? (nodeId, null, null)
                    : (null, null, Forbidden($"Node '{nodeId}' is not at or beneath your node '{own}'."));
            case Roles.Department when actor.DepartmentId is { } own:
                if (nodeId is not null)
                {
                    return (null, null, Forbidden("A department reads its own figures; leave out 'nodeId'."));
                }

                departmentId ??= own;
                return departmentId == own ? (null, departmentId, null) : (null, null, Forbidden($"You read the figures of department '{own}' only."));
            default:
                return (null, null, Forbidden("Your role does not read metrics."));
        }
    }

    /// <summary>May the caller read figures or boards at this node: the node is at or beneath the caller's?</summary>
    public static bool MayReadNode(Actor actor, GridTree tree, string nodeId) => actor.Role switch
    {
        Roles.Auditor or Roles.Admin => true,
        Roles.GridWorker or Roles.Coordinator => actor.NodeId is { } node && tree.Path(nodeId).Any(p => p.Id == node),
        _ => false,
    };

    /// <summary>May the caller read this department's feed, board or figures?</summary>
    public static bool MayReadDepartment(Actor actor, string departmentId) => actor.Role switch
    {
        Roles.Auditor or Roles.Admin => true,
        Roles.Department => actor.DepartmentId == departmentId,
        _ => false,
    };

    /// <summary>Everything the caller may see unfiltered: no node or department narrows it.</summary>
    public static bool SeesAll(Actor actor) => actor.Role is Roles.Agent or Roles.Auditor or Roles.Admin;

    /// <summary>The answer for a case the caller may not reach: the same as for one that does not exist.</summary>
    public static IResult Hidden(Guid caseId) => Http.Problems.NotFound($"There is no case '{caseId}'.");

    /// <summary>The answer for a node or department outside the caller's scope.</summary>
    public static IResult Forbidden(string detail) => Http.Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden", detail);
}
