using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Cases.Api.Delivery;

/// <summary>How one subscription's deliveries stand: the operator's view of a department's integration.</summary>
/// <param name="OldestPendingSeconds">How long the oldest undelivered delivery has waited, or 0 with none waiting.</param>
public sealed record DeliveryCounts(long Pending, long Delivered, long Failed, DateTimeOffset? OldestPendingSince, double OldestPendingSeconds);

/// <summary>A subscription without its secret, which is never shown after it is created.</summary>
public sealed record SubscriptionView(
    Guid SubscriptionId, string DepartmentId, string CallbackUrl, bool Active, DateTimeOffset CreatedAt, string CreatedBy,
    int ConsecutiveFailures, DateTimeOffset? CircuitOpenUntil, DeliveryCounts Deliveries);

/// <summary>One attempt at a delivery: when, what the receiver answered (or why there was no answer), how long it took.</summary>
public sealed record AttemptView(int Attempt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

/// <summary>One delivery of one dispatch to one subscriber; <c>deliveryId</c> is the <c>X-Cases-Delivery</c> header's value.</summary>
public sealed record DeliveryView(
    Guid DeliveryId, Guid SubscriptionId, Guid DispatchId, Guid CaseId, DeliveryStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset RetryUntil, string? LastError,
    IReadOnlyList<AttemptView> AttemptLog);

public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>The read side of webhook delivery, for the API and the metrics.</summary>
public sealed class DeliveryQueries(NpgsqlDataSource dataSource, IDocumentStore store, TimeProvider clock)
{
    private readonly string _schema = store.Options.Events.DatabaseSchemaName;

    public async Task<IReadOnlyList<SubscriptionView>> SubscriptionsAsync(string? departmentId, Guid? subscriptionId, CancellationToken ct)
    {
        var sql = $"""
            select s.id, s.department_id, s.callback_url, s.active, s.created_at, s.created_by, s.consecutive_failures, s.circuit_open_until,
                   count(*) filter (where d.status = 'pending'), count(*) filter (where d.status = 'delivered'),
                   count(*) filter (where d.status = 'failed'), min(d.created_at) filter (where d.status = 'pending')
            from {_schema}.{WebhookSchema.Subscriptions} s
            left join {_schema}.{WebhookSchema.Deliveries} d on d.subscription_id = s.id
            where (@department::text is null or s.department_id = @department) and (@id::uuid is null or s.id = @id)
            group by s.id
            order by s.created_at
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("department", NpgsqlDbType.Text) { Value = (object?)departmentId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)subscriptionId ?? DBNull.Value });
        var now = clock.GetUtcNow();
        var views = new List<SubscriptionView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            DateTimeOffset? oldest = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11);
            views.Add(new SubscriptionView(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                new DeliveryCounts(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), oldest,
                    oldest is { } since ? Math.Max(0, Math.Round((now - since).TotalSeconds, 3)) : 0)));
        }

        return views;
    }

    /// <summary>Whether the department has this subscription: one indexed lookup, without counting its deliveries.</summary>
    public async Task<bool> SubscriptionExistsAsync(string departmentId, Guid subscriptionId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {_schema}.{WebhookSchema.Subscriptions} where id = @id and department_id = @department)");
        command.Parameters.AddWithValue("id", subscriptionId);
        command.Parameters.AddWithValue("department", departmentId);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(Guid subscriptionId, Guid? deliveryId, DeliveryStatus? status, int limit, CancellationToken ct)
    {
        var sql = $"""
            select d.id, d.subscription_id, d.dispatch_id, d.case_id, d.status, d.attempts, d.created_at,
                   case when d.status = 'pending' then d.next_attempt_at end, d.delivered_at, d.retry_until, d.last_error,
                   coalesce((select json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code,
                                                              'error', a.error, 'durationMs', a.duration_ms) order by a.attempt)
                             from {_schema}.{WebhookSchema.Attempts} a where a.delivery_id = d.id), '[]')::text
            from {_schema}.{WebhookSchema.Deliveries} d
            where d.subscription_id = @subscription and (@id::uuid is null or d.id = @id) and (@status::text is null or d.status = @status)
            order by d.created_at, d.case_version
            limit @limit
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("subscription", subscriptionId);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)deliveryId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = status is { } s ? s.ToString().ToLowerInvariant() : DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        var views = new List<DeliveryView>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            views.Add(new DeliveryView(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), Enum.Parse<DeliveryStatus>(reader.GetString(4), ignoreCase: true),
                reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                System.Text.Json.JsonSerializer.Deserialize<List<AttemptView>>(reader.GetString(11), DeliveryJson.Options)!));
        }

        return views;
    }
}
