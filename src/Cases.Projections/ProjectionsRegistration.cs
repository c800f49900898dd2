using Cases.Domain;
using JasperFx.Events.Projections;
using Marten;

namespace Cases.Projections;

public static class ProjectionsRegistration
{
    /// <summary>Registers the case events, every projection and the read models' indexes.</summary>
    public static StoreOptions AddCasesProjections(this StoreOptions options)
    {
        options.Events.AddEventTypes(CaseEventTypes.All);
        options.Projections.Add(new CaseProjection(), ProjectionLifecycle.Inline);

        // The case list filters on these; the path and department arrays use containment.
        options.Schema.For<Case>()
            .Index(x => x.CaseNumber, i => i.IsUnique = true)
            .Index(x => x.Status)
            .Index(x => x.Category)
            .Index(x => x.RaisedAt)
            .GinIndexJsonData();
        return options;
    }
}
