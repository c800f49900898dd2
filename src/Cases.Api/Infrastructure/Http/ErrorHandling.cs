using Cases.Domain;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Cases.Api.Infrastructure.Http;

/// <summary>The problem+json answers the API gives, in one place.</summary>
public static class Problems
{
    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult Invalid(string field, string message) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] },
        detail: message,
        title: "The request is not valid");

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult From(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.NotFound => NotFound(refusal.Reason),
        RefusalKind.Invalid => Invalid(refusal.Field ?? "body", refusal.Reason),
        _ => Conflict(refusal.Reason),
    };
}

/// <summary>
/// Turns the store's optimistic-concurrency failures into 409, and anything a client sent that could not be
/// read into 400. Wolverine HTTP endpoints have no failure policies, so without this a lost race is a 500.
/// </summary>
public sealed class CasesExceptionHandler(IProblemDetailsService problemDetails, ILogger<CasesExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status is null)
        {
            // Nothing about the fault leaves the service: the log has it, the caller gets the trace id to quote.
            logger.LogError(exception, "{Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
            (status, title, detail) = (500, "Internal error", $"The request failed on our side and was logged under trace id {httpContext.TraceIdentifier}.");
        }
        else
        {
            logger.LogInformation("{Method} {Path} answered {Status}: {Detail}", httpContext.Request.Method, httpContext.Request.Path, status, detail);
        }

        httpContext.Response.StatusCode = status.Value;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = Infrastructure.Health.HealthProbes.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    public static (int? Status, string Title, string Detail) Classify(Exception exception)
    {
        foreach (var e in CasesExceptionHandlerExtensions.Causes(exception))
        {
            switch (e)
            {
                case ConcurrencyException or ConcurrentUpdateException:
                    return (409, "Conflict", "The case changed since it was read (a concurrent command or a stale expectedVersion); nothing was changed. Read it again and retry.");
                case ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException or DocumentAlreadyExistsException:
                    return (409, "Conflict", "Something with that identity already exists; nothing was changed.");
                case StreamLockedException or JasperFx.Events.StreamLockedException:
                    return (409, "Conflict", "The case is being changed by another command; nothing was changed. Retry.");
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable }:
                    return (409, "Conflict", "A concurrent change won; nothing was changed. Retry.");
                case System.Text.Json.JsonException json:
                    // The serializer's own message names .NET types; say where the value is, in the client's terms.
                    return (400, "Invalid JSON format", json.Path is { Length: > 1 } path
                        ? $"The body is not valid JSON, or the value at '{path}' has the wrong type or is out of range."
                        : "The body is not valid JSON for this operation.");
                case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                    // A NUL (or another character PostgreSQL text cannot hold) in a query or path value.
                    return (400, "Invalid characters", "A value in the request holds a character that text cannot contain here, such as NUL.");
                case System.Text.DecoderFallbackException:
                    return (400, "Invalid JSON format", "The body is not valid UTF-8.");
                case BadHttpRequestException { StatusCode: 413 }:
                    return (413, "Request body too large", "The request body is larger than this service accepts.");
                case BadHttpRequestException bad:
                    return (bad.StatusCode, "The request could not be read", "The request could not be read: check the body's JSON, its Content-Type and the parameters.");
                case var unreachable when CasesExceptionHandlerExtensions.IsUnreachableDatabase(unreachable):
                    // The database is restarting, failing over or out of connections: "try again", not "broken". A write may
                    // or may not have committed, so a retry carries the same Idempotency-Key.
                    return (503, "Service unavailable", "The database cannot be reached just now. Retry after the time in Retry-After (a write with the same Idempotency-Key).");
            }
        }

        return (null, "", "");
    }
}

public static class CasesExceptionHandlerExtensions
{
    /// <summary>True when the store refused a write because the same identity already exists.</summary>
    public static bool IsDuplicate(Exception exception) =>
        Causes(exception).Any(e => e is DocumentAlreadyExistsException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
            || e.GetType().Name.Contains("AlreadyExists", StringComparison.Ordinal));

    /// <summary>
    /// True when the database could not be reached or dropped the connection (restarting, failing over, out of connections):
    /// worth trying again in a moment, unlike a refused statement.
    /// </summary>
    public static bool IsDatabaseUnreachable(Exception exception) => Causes(exception).Any(IsUnreachableDatabase);

    /// <summary>This one exception, not its causes, says the database could not be reached.</summary>
    public static bool IsUnreachableDatabase(Exception e) =>
        e is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException;

    /// <summary>The exception and everything beneath it: inner exceptions, and each one of an aggregate.</summary>
    public static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : (IEnumerable<Exception>)[exception.InnerException!];
        foreach (var cause in inner.Where(c => c is not null).SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
