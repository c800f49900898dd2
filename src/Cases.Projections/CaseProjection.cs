using Cases.Domain;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Cases.Projections;

/// <summary>
/// The case view: the <see cref="Case"/> state itself, kept inline so that a read straight after a command
/// sees it. The fold is the domain's own <see cref="Case.Evolve"/>, so the write side and the read side
/// cannot disagree about what an event means.
/// </summary>
public sealed partial class CaseProjection : SingleStreamProjection<Case, Guid>
{
    public CaseProjection()
    {
        foreach (var type in CaseEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override Case? Evolve(Case? snapshot, Guid id, IEvent e) => Case.Evolve(snapshot, e.Data);
}
