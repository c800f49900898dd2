using Cases.Api.Audit;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Intake;
using Cases.Domain;
using Cases.Projections.Cases;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Residents;

/// <summary>A resident's request to have their contact erased, identified by the phone they gave.</summary>
public sealed record ResidentErasureRequest(string? Phone);

/// <summary>What the erasure reached: the cases whose contact can no longer be read. Each recorded a <c>resident_contact_erased</c> event.</summary>
public sealed record ResidentErasure(IReadOnlyList<Guid> CaseIds);

public sealed class ResidentErasureValidator : AbstractValidator<ResidentErasureRequest>
{
    public ResidentErasureValidator()
    {
        RuleFor(x => x.Phone).NotEmpty().MaximumLength(30).Matches(@"^[0-9+\-() ]+$")
            .WithMessage("'phone' may hold digits, spaces and + - ( ) only.");
    }
}

public static class ResidentErasureEndpoint
{
    /// <summary>
    /// Crypto-shredding: the resident's key and its phone lookup are deleted, so the sealed contact left in the
    /// events and the read model can no longer be opened; no event row is rewritten. Each case records the erasure.
    /// </summary>
    [WolverinePost("/api/residents/erasure", OperationId = "eraseResident")]
    [Authorize(Roles = Roles.Administrators)]
    [Tags("Residents")]
    [ProducesResponseType<ResidentErasure>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Post(
        ResidentErasureRequest body, HttpContext http, IDocumentSession session, IActorAccessor actors, TimeProvider clock, CancellationToken ct)
    {
        var lookup = ResidentVault.Lookup(body.Phone!);
        var keys = await session.Query<ResidentKey>().Where(k => k.Lookup == lookup).ToListAsync(ct);
        if (keys.Count == 0)
        {
            return Problems.NotFound("No resident's contact is stored under that phone (or it was erased already); nothing was erased.");
        }

        Trail.Of(http).Stamp(session);
        var erasure = new ResidentContactErased(actors.Current(http), clock.GetUtcNow().ToUniversalTime());
        var erased = new List<Guid>();
        foreach (var key in keys)
        {
            var prefix = ResidentVault.PrefixOf(key.Id);
            var caseIds = await session.Query<CaseRecord>().Where(c => c.Resident.Phone.StartsWith(prefix)).Select(c => c.Id).ToListAsync(ct);
            foreach (var caseId in caseIds)
            {
                // Optimistic: a command that lands on the case meanwhile makes this a 409, and the erasure is asked again.
                var stream = await session.Events.FetchForWriting<CaseRecord>(caseId, ct);
                stream.AppendOne(erasure);
                erased.Add(caseId);
            }

            session.Delete(key);
        }

        // A retry record keeps a hash of the request that filed the case, contact included: with the case's other
        // fields in the clear, that hash would let the phone be guessed back. It goes too; a retry now files anew.
        if (erased.Count > 0)
        {
            var ids = erased.ToArray();
            session.DeleteWhere<IdempotencyRecord>(r => ids.Contains(r.CaseId));
        }

        return Results.Ok(new ResidentErasure(erased));
    }
}
