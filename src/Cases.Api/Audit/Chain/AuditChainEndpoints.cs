using Microsoft.AspNetCore.Authorization;
using Cases.Api.Infrastructure.Http;
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

    /// <summary>
    /// Auditors and admins: the latest link, to record outside the database; with <c>position</c>, the link at that position,
    /// to compare with a head recorded back then.
    /// </summary>
    [WolverineGet("/api/audit/chain-head", OperationId = "chainHead")]
    [Authorize(Roles = Infrastructure.Security.Roles.Operators)]
    [Tags("Audit")]
    [ProducesResponseType<ChainHead>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Head(long? position, ChainVerifier verifier, CancellationToken ct)
    {
        if (position is null)
        {
            return Results.Ok(await verifier.HeadAsync(ct));
        }

        if (position < 1)
        {
            return Problems.Invalid("position", "'position' is a chain position, from 1.");
        }

        return await verifier.LinkAsync(position.Value, ct) is { } link
            ? Results.Ok(link)
            : Problems.NotFound($"The chain has no link at position {position}.");
    }
}
