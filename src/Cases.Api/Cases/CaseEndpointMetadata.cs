namespace Cases.Api.Cases;

/// <summary>Every command body may carry the version the caller last saw.</summary>
public interface IVersionedCommand
{
    /// <summary>The case version the caller last saw; if the case has moved on, the answer is 409 and nothing changes.</summary>
    long? ExpectedVersion { get; }
}
