using Cases.Domain;
using JasperFx.Events;
using Marten;

namespace Cases.Api.Tests.Support;

/// <summary>Base for the HTTP tests: a client, and a look at what the store really holds.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(ApiFixture fixture)
{
    protected ApiFixture Fixture { get; } = fixture;

    protected ApiClient Api { get; } = new(fixture.Host.Server.CreateClient());

    /// <summary>The events of one case, straight from the event store.</summary>
    protected async Task<IReadOnlyList<IEvent>> StreamOf(Guid caseId)
    {
        await using var session = Fixture.Store.QuerySession();
        return await session.Events.FetchStreamAsync(caseId);
    }

    protected async Task<IReadOnlyList<Type>> EventTypesOf(Guid caseId) => [.. (await StreamOf(caseId)).Select(e => e.EventType)];

    protected async Task<long> StreamCount()
    {
        await using var session = Fixture.Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(e => e.Version == 1).CountAsync();
    }

    protected async Task<Case?> StoredCase(Guid caseId)
    {
        await using var session = Fixture.Store.QuerySession();
        return (await session.LoadAsync<global::Cases.Projections.Cases.CaseRecord>(caseId))?.State;
    }
}
