using System.Text;
using Confluent.Kafka;
using Npgsql;

namespace Brook.Examples.Outbox;

/// <summary>
/// Publishes the outbox: takes unsent rows in id order (locked, so several relays share the work), produces them with
/// an idempotent acks=all producer, and marks them sent only after every one is acknowledged. A relay that dies
/// between the acknowledgement and the mark publishes those rows again when it (or another) restarts: delivery is
/// at-least-once, and consumers deduplicate by the <see cref="OutboxTopics.EventIdHeader"/> header.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource db, IProducer<string, string> producer, OutboxRelayOptions options)
{
    /// <summary>Rows published so far by this relay (including any it published again).</summary>
    public long Published { get; private set; }

    /// <summary>A producer configuration for the relay: idempotent (no duplicates or reordering from its own retries), acks=all.</summary>
    public static ProducerConfig ProducerConfig(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
    };

    /// <summary>Publishes batches until none is left, then polls every <see cref="OutboxRelayOptions.PollInterval"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await PublishBatchAsync(cancellationToken) == 0)
                await Task.Delay(options.PollInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Publishes one batch of unsent rows and marks them sent; returns how many (0: the outbox is drained).</summary>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(long Id, Guid AggregateId, string Type, string Payload)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, aggregate_id, event_type, payload::text FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.Add(new() { Value = options.BatchSize });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3)));
        }
        if (rows.Count == 0) return 0;

        // All of the batch in flight at once; the producer keeps each key's order (idempotence allows 5 in flight).
        var deliveries = rows.Select(row => producer.ProduceAsync(OutboxTopics.OrderEvents, new Message<string, string>
        {
            Key = row.AggregateId.ToString(),
            Value = row.Payload,
            Headers = new Headers
            {
                { OutboxTopics.EventIdHeader, Encoding.UTF8.GetBytes(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
                { OutboxTopics.EventTypeHeader, Encoding.UTF8.GetBytes(row.Type) },
            },
        }, cancellationToken)).ToList();
        await Task.WhenAll(deliveries);
        Published += rows.Count;
        options.AfterPublish?.Invoke(rows.Count);

        await using (var mark = new NpgsqlCommand("UPDATE outbox SET sent_at = now() WHERE id = ANY($1)", connection, transaction))
        {
            mark.Parameters.Add(new() { Value = rows.Select(r => r.Id).ToArray() });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }
}

/// <summary>How the relay batches and polls.</summary>
public sealed record OutboxRelayOptions
{
    /// <summary>Rows per batch (one database transaction, one wait for acknowledgements).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>How long an idle relay waits before looking again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Called after a batch is acknowledged and before it is marked sent (the demo's crash point).</summary>
    public Action<int>? AfterPublish { get; init; }
}
