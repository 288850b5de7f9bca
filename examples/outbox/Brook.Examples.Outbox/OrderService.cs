using System.Text.Json;
using Npgsql;

namespace Brook.Examples.Outbox;

/// <summary>
/// The order service's write side: an order and its OrderPlaced event are stored in ONE database transaction, so
/// there is never an order without its event or an event without its order, whatever crashes when. Nothing here
/// talks to Kafka: publishing is the relay's job.
/// </summary>
public sealed class OrderService(NpgsqlDataSource db)
{
    /// <summary>Places an order and returns its id.</summary>
    public async Task<Guid> PlaceOrderAsync(string customer, decimal amount, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insertOrder = new NpgsqlCommand("INSERT INTO orders (id, customer, amount) VALUES ($1, $2, $3)", connection, transaction))
        {
            insertOrder.Parameters.Add(new() { Value = id });
            insertOrder.Parameters.Add(new() { Value = customer });
            insertOrder.Parameters.Add(new() { Value = amount });
            await insertOrder.ExecuteNonQueryAsync(cancellationToken);
        }
        var payload = JsonSerializer.Serialize(new OrderPlaced(id, customer, amount));
        await using (var insertEvent = new NpgsqlCommand(
            "INSERT INTO outbox (aggregate_id, event_type, payload) VALUES ($1, $2, $3::jsonb)", connection, transaction))
        {
            insertEvent.Parameters.Add(new() { Value = id });
            insertEvent.Parameters.Add(new() { Value = nameof(OrderPlaced) });
            insertEvent.Parameters.Add(new() { Value = payload });
            await insertEvent.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return id;
    }
}

/// <summary>The event the order service publishes when an order is placed.</summary>
public sealed record OrderPlaced(Guid OrderId, string Customer, decimal Amount);
