using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Npgsql;

namespace Brook.Examples.Outbox;

/// <summary>
/// A downstream service that turns OrderPlaced events into shipments exactly once: it reads read_committed, and
/// applies each event in one database transaction with the record of its id (processed_events), so an event the
/// relay published twice — or one redelivered after this consumer crashed before committing its offset — changes
/// nothing the second time. Offsets are committed after the database commit.
/// </summary>
public sealed class ShippingConsumer(NpgsqlDataSource db, string bootstrapServers, string groupId = "shipping")
{
    /// <summary>Events applied by this consumer.</summary>
    public long Applied { get; private set; }

    /// <summary>Events skipped as already applied (duplicates).</summary>
    public long Duplicates { get; private set; }

    /// <summary>Consumes until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(OutboxTopics.OrderEvents);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                await ApplyAsync(result, cancellationToken);
                consumer.Commit(result);
            }
        }
        finally
        {
            consumer.Close();
        }
    }, cancellationToken);

    private async Task ApplyAsync(ConsumeResult<string, string> result, CancellationToken cancellationToken)
    {
        var eventId = long.Parse(Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes(OutboxTopics.EventIdHeader)), CultureInfo.InvariantCulture);
        var placed = JsonSerializer.Deserialize<OrderPlaced>(result.Message.Value) ?? throw new InvalidDataException("empty event");
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var seen = new NpgsqlCommand("INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING", connection, transaction))
        {
            seen.Parameters.Add(new() { Value = eventId });
            if (await seen.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                Duplicates++;
                return; // applied before: the transaction rolls back, nothing changes
            }
        }
        await using (var ship = new NpgsqlCommand("INSERT INTO shipments (order_id, customer) VALUES ($1, $2)", connection, transaction))
        {
            ship.Parameters.Add(new() { Value = placed.OrderId });
            ship.Parameters.Add(new() { Value = placed.Customer });
            await ship.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        Applied++;
    }
}
