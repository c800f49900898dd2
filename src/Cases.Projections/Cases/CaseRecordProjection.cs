using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Cases.Projections.Cases;

/// <summary>
/// The case read model, kept inline so that a read straight after a command sees it, and so that the command
/// path loads the decision state and the view in one read.
/// </summary>
public sealed partial class CaseRecordProjection : SingleStreamProjection<CaseRecord, Guid>
{
    public CaseRecordProjection()
    {
        foreach (var type in CaseEventTypes.All)
        {
            IncludeType(type);
        }
    }

    public override CaseRecord? Evolve(CaseRecord? snapshot, Guid id, IEvent e) => CaseRecord.Fold(snapshot, e.Data);
}
