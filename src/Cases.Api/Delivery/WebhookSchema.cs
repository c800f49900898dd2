using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Cases.Api.Delivery;

/// <summary>
/// The tables behind webhook delivery, created with Marten's own schema objects. Plain tables rather than documents:
/// the sender claims work with <c>FOR UPDATE SKIP LOCKED</c> and counts by status, which wants real columns.
/// </summary>
public static class WebhookSchema
{
    public const string Subscriptions = "webhook_subscriptions";
    public const string Deliveries = "webhook_deliveries";
    public const string Attempts = "webhook_attempts";

    public static void Configure(StoreOptions options)
    {
        var schema = options.DatabaseSchemaName;

        var subscriptions = new Table(PostgresqlProvider.Instance.Parse($"{schema}.{Subscriptions}"));
        subscriptions.AddColumn<Guid>("id").AsPrimaryKey();
        subscriptions.AddColumn<string>("department_id").NotNull();
        subscriptions.AddColumn<string>("callback_url").NotNull();
        subscriptions.AddColumn<string>("secret").NotNull();
        subscriptions.AddColumn<string>("created_by").NotNull();
        subscriptions.AddColumn("created_at", "timestamptz").NotNull();
        subscriptions.AddColumn<bool>("active").NotNull();
        subscriptions.AddColumn<int>("consecutive_failures").NotNull().DefaultValue(0);
        subscriptions.AddColumn("circuit_open_until", "timestamptz");
        subscriptions.Indexes.Add(new IndexDefinition("ix_webhook_subscriptions_department") { Columns = ["department_id"] });
        options.Storage.ExtendedSchemaObjects.Add(subscriptions);

        var deliveries = new Table(PostgresqlProvider.Instance.Parse($"{schema}.{Deliveries}"));
        deliveries.AddColumn<Guid>("id").AsPrimaryKey();
        deliveries.AddColumn<Guid>("subscription_id").NotNull();
        deliveries.AddColumn<Guid>("case_id").NotNull();
        deliveries.AddColumn<long>("case_version").NotNull();
        deliveries.AddColumn<Guid>("dispatch_id").NotNull();
        deliveries.AddColumn("item", "jsonb").NotNull();
        deliveries.AddColumn<string>("body");
        deliveries.AddColumn<string>("status").NotNull();
        deliveries.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        deliveries.AddColumn("created_at", "timestamptz").NotNull();
        deliveries.AddColumn("retry_until", "timestamptz").NotNull();
        deliveries.AddColumn("next_attempt_at", "timestamptz").NotNull();
        deliveries.AddColumn("leased_until", "timestamptz");
        deliveries.AddColumn("delivered_at", "timestamptz");
        deliveries.AddColumn<string>("last_error");
        deliveries.Indexes.Add(new IndexDefinition("ix_webhook_deliveries_due")
        {
            Columns = ["next_attempt_at"],
            Predicate = "status = 'pending'",
        });
        deliveries.Indexes.Add(new IndexDefinition("ix_webhook_deliveries_case") { Columns = ["subscription_id", "case_id", "case_version"] });
        deliveries.Indexes.Add(new IndexDefinition("ix_webhook_deliveries_status") { Columns = ["subscription_id", "status", "created_at"] });
        options.Storage.ExtendedSchemaObjects.Add(deliveries);

        var attempts = new Table(PostgresqlProvider.Instance.Parse($"{schema}.{Attempts}"));
        attempts.AddColumn<Guid>("delivery_id").AsPrimaryKey();
        attempts.AddColumn<int>("attempt").AsPrimaryKey();
        attempts.AddColumn("at", "timestamptz").NotNull();
        attempts.AddColumn<int>("status_code");
        attempts.AddColumn<string>("error");
        attempts.AddColumn<int>("duration_ms").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(attempts);
    }
}
