using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Cases.Api.Delivery;

/// <summary>A delivery the sender has claimed: what to send, where, and how far its retries have come.</summary>
public sealed record ClaimedDelivery(
    Guid Id, Guid SubscriptionId, string CallbackUrl, string Secret, Guid CaseId, string Item, string? Body, long? Cursor,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset RetryUntil);

/// <summary>The outcome of one attempt, as the sender records it.</summary>
public sealed record AttemptResult(bool Delivered, int? StatusCode, string? Error, TimeSpan Duration);

/// <summary>
/// The webhook tables' SQL. Claims are leases: a node that dies mid-delivery leaves a lease that runs out, and
/// another node (or the same one after a restart) takes the delivery again, with the same id.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource dataSource, IDocumentStore store)
{
    private readonly string _schema = store.Options.Events.DatabaseSchemaName;

    private string Deliveries => $"{_schema}.{WebhookSchema.Deliveries}";

    private string Subscriptions => $"{_schema}.{WebhookSchema.Subscriptions}";

    private string Attempts => $"{_schema}.{WebhookSchema.Attempts}";

    /// <summary>
    /// Leases due deliveries: per subscription and case only the earliest pending one (in order per case), one at a
    /// time for a subscriber whose circuit is half open, and none for one whose circuit is open or that this node is
    /// already busy with.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(IReadOnlyCollection<Guid> busy, int perSubscription, int breakAfter, TimeSpan lease, int limit, CancellationToken ct)
    {
        var sql = $"""
            with due as (
                select d.id, row_number() over (partition by d.subscription_id order by d.next_attempt_at, d.case_version) as rank,
                       case when s.consecutive_failures >= @breakAfter then 1 else @perSubscription end as allowed
                from {Deliveries} d
                join {Subscriptions} s on s.id = d.subscription_id
                where d.status = 'pending' and d.next_attempt_at <= now()
                  and (d.leased_until is null or d.leased_until < now())
                  and s.active and (s.circuit_open_until is null or s.circuit_open_until <= now())
                  and not (d.subscription_id = any(@busy))
                  and not exists (
                      select 1 from {Deliveries} e
                      where e.subscription_id = d.subscription_id and e.case_id = d.case_id
                        and e.status = 'pending' and e.case_version < d.case_version)
                order by d.next_attempt_at
                limit @scan)
            update {Deliveries} d set leased_until = now() + @lease
            from due, {Subscriptions} s
            where d.id = due.id and due.rank <= due.allowed and s.id = d.subscription_id
              and d.status = 'pending' and (d.leased_until is null or d.leased_until < now())
            returning d.id, d.subscription_id, s.callback_url, s.secret, d.case_id, d.item::text, d.body,
                      (select ev.seq_id from {_schema}.mt_events ev where ev.stream_id = d.case_id and ev.version = d.case_version),
                      d.attempts, d.created_at, d.retry_until
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("breakAfter", breakAfter);
        command.Parameters.AddWithValue("perSubscription", perSubscription);
        command.Parameters.Add(new NpgsqlParameter("busy", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = busy.ToArray() });
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("scan", limit * 4);
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetGuid(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return claimed;
    }

    /// <summary>
    /// Records one attempt: delivered, retried later, or dead-lettered once the retries ran out. The subscriber's
    /// run of failures, and its circuit, move in the same transaction.
    /// </summary>
    public async Task RecordAsync(ClaimedDelivery delivery, string body, AttemptResult result, TimeSpan? retryIn, int breakAfter, TimeSpan breakFor, CancellationToken ct)
    {
        var attempt = delivery.Attempts + 1;
        var status = result.Delivered ? "delivered" : retryIn is null ? "failed" : "pending";
        var sql = $"""
            update {Deliveries} set status = @status, attempts = @attempt, body = @body, leased_until = null,
                   delivered_at = case when @delivered then now() else delivered_at end,
                   next_attempt_at = case when @retryIn is null then next_attempt_at else now() + @retryIn end,
                   last_error = @error
            where id = @id;
            insert into {Attempts} (delivery_id, attempt, at, status_code, error, duration_ms)
            values (@id, @attempt, now(), @statusCode, @error, @duration)
            on conflict do nothing;
            -- A success touches the subscriber only when it ends a run of failures, so parallel deliveries do not queue on its row.
            update {Subscriptions} set
                   consecutive_failures = case when @delivered then 0 else consecutive_failures + 1 end,
                   circuit_open_until = case when @delivered then null
                                             when consecutive_failures + 1 >= @breakAfter then now() + @breakFor
                                             else circuit_open_until end
            where id = @subscription and (not @delivered or consecutive_failures <> 0 or circuit_open_until is not null);
            """;

        // One transaction, so that the delivery's status and the subscriber's run of failures move together (and commit once).
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("attempt", attempt);
        command.Parameters.AddWithValue("body", body);
        command.Parameters.AddWithValue("delivered", result.Delivered);
        command.Parameters.Add(new NpgsqlParameter("retryIn", NpgsqlDbType.Interval) { Value = (object?)retryIn ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)result.Error ?? DBNull.Value });
        command.Parameters.AddWithValue("id", delivery.Id);
        command.Parameters.Add(new NpgsqlParameter("statusCode", NpgsqlDbType.Integer) { Value = (object?)result.StatusCode ?? DBNull.Value });
        command.Parameters.AddWithValue("duration", (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds));
        command.Parameters.AddWithValue("subscription", delivery.SubscriptionId);
        command.Parameters.AddWithValue("breakAfter", breakAfter);
        command.Parameters.AddWithValue("breakFor", breakFor);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Gives a lease back without counting an attempt (the node is stopping).</summary>
    public async Task ReleaseAsync(IEnumerable<Guid> ids)
    {
        await using var command = dataSource.CreateCommand($"update {Deliveries} set leased_until = null where id = any(@ids) and status = 'pending'");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async Task CreateSubscriptionAsync(Guid id, string departmentId, string callbackUrl, string secret, string createdBy, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"insert into {Subscriptions} (id, department_id, callback_url, secret, created_by, created_at, active, consecutive_failures) " +
            "values (@id, @department, @url, @secret, @by, @at, true, 0)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("department", departmentId);
        command.Parameters.AddWithValue("url", callbackUrl);
        command.Parameters.AddWithValue("secret", secret);
        command.Parameters.AddWithValue("by", createdBy);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stops a subscription: nothing more is sent to it; its deliveries stay listed.</summary>
    public async Task<bool> DeactivateAsync(Guid id, string departmentId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"update {Subscriptions} set active = false where id = @id and department_id = @department");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("department", departmentId);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Puts a dead letter back in line with a fresh retry window; false when it is not a dead letter.</summary>
    public async Task<bool> RetryAsync(Guid subscriptionId, Guid deliveryId, TimeSpan retryFor, CancellationToken ct)
    {
        // An operator retries because the receiver is back: let a trial through now rather than after the circuit's rest.
        await using var command = dataSource.CreateCommand(
            $"""
            with retried as (
                update {Deliveries} set status = 'pending', next_attempt_at = now(), retry_until = now() + @retryFor, leased_until = null
                where id = @id and subscription_id = @subscription and status = 'failed'
                returning subscription_id)
            update {Subscriptions} set circuit_open_until = null where id in (select subscription_id from retried)
            returning id
            """);
        command.Parameters.AddWithValue("id", deliveryId);
        command.Parameters.AddWithValue("subscription", subscriptionId);
        command.Parameters.AddWithValue("retryFor", retryFor);
        return await command.ExecuteScalarAsync(ct) is not null;
    }
}
