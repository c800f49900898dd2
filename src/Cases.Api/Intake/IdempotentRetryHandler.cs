using Cases.Api.Infrastructure.Http;
using Cases.Projections.Cases;
using Marten;

namespace Cases.Api.Intake;

/// <summary>
/// Two requests with one Idempotency-Key that race past the first look both try to commit; the store lets one
/// win. The loser's commit fails on the key, after the endpoint has returned, so it is answered here, exactly
/// as the winner was: a retry is a retry, whoever got there first.
/// </summary>
public sealed class IdempotentRetryHandler(IDocumentStore store) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public const string ItemKey = "cases.idempotency";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Items[ItemKey] is not (string key, string hash) || !CasesExceptionHandlerExtensions.IsDuplicate(exception))
        {
            return false;
        }

        await using var query = store.QuerySession();
        if (await query.LoadAsync<IdempotencyRecord>(key, cancellationToken) is not { } winner)
        {
            return false;
        }

        var answer = FileAppealEndpoint.Replay(winner, hash, await query.LoadAsync<CaseRecord>(winner.CaseId, cancellationToken));
        await answer.ExecuteAsync(httpContext);
        return true;
    }
}
