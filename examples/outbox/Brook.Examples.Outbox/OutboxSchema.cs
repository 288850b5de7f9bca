using Npgsql;

namespace Brook.Examples.Outbox;

/// <summary>The tables: the order service's (orders, outbox) and the shipping consumer's (shipments, processed_events).</summary>
public static class OutboxSchema
{
    /// <summary>Creates the tables if they do not exist.</summary>
    public static async Task CreateAsync(NpgsqlDataSource db, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS orders (
                id          uuid PRIMARY KEY,
                customer    text NOT NULL,
                amount      numeric(12, 2) NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now());
            -- One row per event to publish, written in the same transaction as the change it describes.
            CREATE TABLE IF NOT EXISTS outbox (
                id            bigserial PRIMARY KEY,
                aggregate_id  uuid NOT NULL,
                event_type    text NOT NULL,
                payload       jsonb NOT NULL,
                created_at    timestamptz NOT NULL DEFAULT now(),
                sent_at       timestamptz);
            CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
            -- The consumer's side: the effect, and the ids of the events already applied (the "inbox").
            CREATE TABLE IF NOT EXISTS shipments (
                order_id    uuid PRIMARY KEY,
                customer    text NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now());
            CREATE TABLE IF NOT EXISTS processed_events (
                event_id    bigint PRIMARY KEY,
                processed_at timestamptz NOT NULL DEFAULT now());
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
