using Cases.Domain;

namespace Cases.Projections;

/// <summary>Every event type of a case stream, for registration with the event store.</summary>
public static class CaseEventTypes
{
    public static IReadOnlyList<Type> All { get; } =
        [.. typeof(ICaseEvent).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICaseEvent).IsAssignableFrom(t))];
}
