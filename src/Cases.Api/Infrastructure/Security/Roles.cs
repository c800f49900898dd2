namespace Cases.Api.Infrastructure.Security;

/// <summary>
/// The roles a token may carry, and the role sets the endpoints require. An endpoint names its set in one
/// <c>[Authorize(Roles = ...)]</c> line; what a caller may touch inside that set is <see cref="CaseScope"/>'s business.
/// </summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string GridWorker = "gridworker";
    public const string Coordinator = "coordinator";
    public const string Department = "department";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly string[] All = [Agent, GridWorker, Coordinator, Department, Auditor, Admin];

    /// <summary>Work a case at a node: acknowledge, escalate, pause, resume, ask for an extension, close, merge.</summary>
    public const string Handlers = GridWorker + "," + Coordinator;

    /// <summary>Dispatch, decide extensions, supervise.</summary>
    public const string Coordinators = Coordinator;

    /// <summary>Resolve: a handler at the node, or a department through a dispatch it accepted.</summary>
    public const string Resolvers = GridWorker + "," + Coordinator + "," + Department;

    /// <summary>Act on a dispatch addressed to the caller's department.</summary>
    public const string Departments = Department;

    /// <summary>Things done at a resident's request: feedback (回访), withdrawal.</summary>
    public const string Agents = Agent;

    /// <summary>File an appeal: the call center, or a grid worker reporting on patrol inside their node.</summary>
    public const string Intake = Agent + "," + GridWorker + "," + Coordinator;

    /// <summary>Read a case, its history and its past states (each within the caller's scope).</summary>
    public const string CaseReaders = Agent + "," + GridWorker + "," + Coordinator + "," + Department + "," + Auditor;

    /// <summary>A node's board.</summary>
    public const string NodeReaders = GridWorker + "," + Coordinator + "," + Auditor;

    /// <summary>A department's feed and board.</summary>
    public const string DepartmentReaders = Department + "," + Auditor;

    /// <summary>A department's webhook subscriptions and their dead letters: the department itself, or an admin.</summary>
    public const string Subscribers = Department + "," + Admin;

    /// <summary>How a department's deliveries are going: also auditors.</summary>
    public const string DeliveryReaders = Department + "," + Auditor + "," + Admin;

    /// <summary>Metrics, filtered to the caller's node or department.</summary>
    public const string MetricsReaders = GridWorker + "," + Coordinator + "," + Department + "," + Auditor + "," + Admin;

    /// <summary>How far the projections got: operations and audit, not everyone.</summary>
    public const string Operators = Auditor + "," + Admin;

    /// <summary>Change reference data, limits and routing rules.</summary>
    public const string Administrators = Admin;
}
