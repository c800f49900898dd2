using Cases.Domain.Grid;
using Cases.Domain.Routing;
using Cases.Domain.Sla;

namespace Cases.Domain;

/// <summary>Everything a decision may consult besides the case itself. Plain values: no I/O.</summary>
public sealed record DecisionContext(Actor Actor, DateTimeOffset Now, GridTree Tree, SlaPolicy Policy, CategoryLimits Limits, RoutingRules? Routing = null)
{
    /// <summary>The decision's clock, always in UTC: every time the events record is UTC, as the store keeps it.</summary>
    public DateTimeOffset Now { get; init; } = Now.ToUniversalTime();

    /// <summary>Where appeals start and which department a dispatch goes to when none is named.</summary>
    public RoutingRules Routing { get; init; } = Routing ?? RoutingRules.None;
}

public sealed record RaiseAppeal(
    Guid CaseId,
    string CaseNumber,
    Channel Channel,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    string MicroGridId,
    Resident Resident,
    GridLevel? StartAt = null);
// StartAt overrides the routing rules (tests use it); without it the context's rules decide.

public sealed record Acknowledge(string? Note);

public sealed record Escalate(string Reason, EscalationReason Kind = EscalationReason.Manual);

/// <summary>派单. Without a department, the routing rules' suggestion for the case's category is used.</summary>
public sealed record DispatchToDepartment(Guid DispatchId, string? DepartmentId, string? Instructions);

public sealed record AcceptDispatch(Guid DispatchId);

public sealed record ReturnDispatch(Guid DispatchId, string Reason);

public sealed record Resolve(string Resolution);

public sealed record GiveFeedback(bool Satisfied, int Score, string? Comment);

public sealed record Close(string? Note);

public sealed record Withdraw(string Reason);

public sealed record Merge(Guid IntoCaseId);

public sealed record Pause(string Reason);

public sealed record Resume;

public sealed record RequestExtension(int Days, string Reason);

public sealed record DecideExtension(bool Granted);

public sealed record Supervise(string Note);
