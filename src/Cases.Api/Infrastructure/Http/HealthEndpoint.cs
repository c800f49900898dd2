using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using Wolverine.Http;

namespace Cases.Api.Infrastructure.Http;

public sealed record Health(string Status, string Database);

public static class HealthEndpoint
{
    /// <summary>200 when the database answers, 503 otherwise.</summary>
    [WolverineGet("/health", OperationId = "health")]
    [AllowAnonymous]
    [Tags("Operations")]
    [ProducesResponseType<Health>(StatusCodes.Status200OK)]
    [ProducesResponseType<Health>(StatusCodes.Status503ServiceUnavailable)]
    public static async Task<IResult> Get(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return Results.Ok(new Health("healthy", "up"));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return Results.Json(new Health("unhealthy", e.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
