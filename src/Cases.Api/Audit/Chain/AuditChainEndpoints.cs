using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Audit.Chain;

public static class AuditChainEndpoints
{
    /// <summary>
    /// Auditors and admins: recomputes the hash chain over every event in the store and says whether, and where, it breaks.
    /// </summary>
    [WolverineGet("/api/audit/verify", OperationId = "verifyChain")]
    [Authorize(Roles = Infrastructure.Security.Roles.Operators)]
    [Tags("Audit")]
    [ProducesResponseType<ChainReport>(StatusCodes.Status200OK)]
    public static Task<ChainReport> Verify(ChainVerifier verifier, CancellationToken ct) => verifier.VerifyAsync(null, ct);

    /// <summary>Auditors and admins: the latest link, to record outside the database.</summary>
    [WolverineGet("/api/audit/chain-head", OperationId = "chainHead")]
    [Authorize(Roles = Infrastructure.Security.Roles.Operators)]
    [Tags("Audit")]
    [ProducesResponseType<ChainHead>(StatusCodes.Status200OK)]
    public static Task<ChainHead> Head(ChainVerifier verifier, CancellationToken ct) => verifier.HeadAsync(ct);
}
