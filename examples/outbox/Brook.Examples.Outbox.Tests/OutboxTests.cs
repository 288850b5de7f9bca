using System.Text;
using Brook.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Brook.Examples.Outbox.Tests;

/// <summary>
/// The transactional outbox end to end, with a real PostgreSQL and a real relay process that gets killed: whatever the
/// crash, every order reaches the shipping service exactly once.
/// </summary>
public sealed class OutboxTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task ARelayKilledAfterPublishingAndBeforeMarkingSentCausesDuplicatesThatTheConsumerDrops()
    {
        await using var env = await OutboxEnvironment.StartAsync(output);
        var (postgres, db, broker, orders) = (env.Postgres, env.Db, env.Broker, env.Orders);
        for (var i = 0; i < 300; i++) await orders.PlaceOrderAsync($"customer-{i % 7}", 10 + i);

        // The first relay dies (SIGKILL) the moment its second batch of 50 is acknowledged, before marking it sent.
        using (var crashing = RelayProcess.Start(broker.BootstrapServers, postgres.ConnectionString,
                   "--batch-size", "50", "--crash-after-batches", "2", "--exit-when-drained"))
        {
            var exit = await crashing.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(crashing.Output);
            Assert.Equal(137, exit);
        }
        Assert.Equal(50, await ScalarAsync(db, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"));

        // A new relay publishes everything not marked sent: the second batch again, then the rest.
        using (var relay = RelayProcess.Start(broker.BootstrapServers, postgres.ConnectionString, "--batch-size", "50", "--exit-when-drained"))
        {
            Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        Assert.Equal(0, await ScalarAsync(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"));

        var published = await broker.ConsumeAsync(OutboxTopics.OrderEvents, count: 350, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(300, published.Select(EventId).Distinct().Count()); // 50 events twice on the topic

        var shipping = await ShipEverythingAsync(db, broker, expected: 300);
        Assert.Equal(300, shipping.Applied);
        Assert.Equal(50, shipping.Duplicates);
        await AssertEveryOrderShippedOnceAsync(db, 300);
    }

    [PostgresFact]
    public async Task KillingTheRelayWhileOrdersArriveLosesNothingAndShipsEachOrderOnce()
    {
        await using var env = await OutboxEnvironment.StartAsync(output);
        var (postgres, db, broker, orders) = (env.Postgres, env.Db, env.Broker, env.Orders);

        // Orders keep arriving while the relay runs; the relay is killed -9 at whatever point it has reached.
        using var placing = new CancellationTokenSource();
        var placed = 0;
        var placer = Task.Run(async () =>
        {
            while (!placing.IsCancellationRequested)
            {
                await orders.PlaceOrderAsync($"customer-{placed % 7}", 5);
                Interlocked.Increment(ref placed);
            }
        });
        using (var relay = RelayProcess.Start(broker.BootstrapServers, postgres.ConnectionString, "--batch-size", "20"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await ScalarAsync(db, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") < 100 && DateTime.UtcNow < deadline) await Task.Delay(20);
            relay.Kill();
            output.WriteLine($"killed the relay with {await ScalarAsync(db, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")} rows marked sent, {Volatile.Read(ref placed)} placed");
        }
        await Task.Delay(300);
        await placing.CancelAsync();
        await placer;
        var total = Volatile.Read(ref placed);
        Assert.True(total > 100, $"only {total} orders placed");

        using (var relay = RelayProcess.Start(broker.BootstrapServers, postgres.ConnectionString, "--batch-size", "20", "--exit-when-drained"))
        {
            Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        Assert.Equal(0, await ScalarAsync(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"));

        var shipping = await ShipEverythingAsync(db, broker, expected: total);
        output.WriteLine($"{total} orders, {shipping.Applied} applied, {shipping.Duplicates} duplicates dropped");
        Assert.Equal(total, shipping.Applied);
        await AssertEveryOrderShippedOnceAsync(db, total);
    }

    /// <summary>What each test starts: PostgreSQL with the schema, a broker with the events topic, the order service.</summary>
    private sealed record OutboxEnvironment(PostgresServer Postgres, NpgsqlDataSource Db, BrookTestBroker Broker, OrderService Orders) : IAsyncDisposable
    {
        public static async Task<OutboxEnvironment> StartAsync(ITestOutputHelper output)
        {
            var postgres = await PostgresServer.StartAsync();
            var db = NpgsqlDataSource.Create(postgres.ConnectionString);
            var broker = await BrookTestBroker.StartAsync(new BrookTestOptions { Log = output.WriteLine });
            await broker.CreateTopicAsync(OutboxTopics.OrderEvents, partitions: 3);
            await OutboxSchema.CreateAsync(db);
            return new OutboxEnvironment(postgres, db, broker, new OrderService(db));
        }

        public async ValueTask DisposeAsync()
        {
            await Broker.DisposeAsync();
            await Db.DisposeAsync();
            await Postgres.DisposeAsync();
        }
    }

    private static async Task<ShippingConsumer> ShipEverythingAsync(NpgsqlDataSource db, IBrookTestServer broker, long expected)
    {
        var shipping = new ShippingConsumer(db, broker.BootstrapServers);
        using var stop = new CancellationTokenSource();
        var running = shipping.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ScalarAsync(db, "SELECT count(*) FROM shipments") < expected && DateTime.UtcNow < deadline && !running.IsCompleted) await Task.Delay(50);
        // Every published record processed, duplicates included: the group has committed up to the end.
        await broker.WaitForConsumerGroupLagAsync("shipping", TimeSpan.FromSeconds(30), maxLag: 0, OutboxTopics.OrderEvents);
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException) { }
        return shipping;
    }

    private static async Task AssertEveryOrderShippedOnceAsync(NpgsqlDataSource db, long orders)
    {
        Assert.Equal(orders, await ScalarAsync(db, "SELECT count(*) FROM orders"));
        Assert.Equal(orders, await ScalarAsync(db, "SELECT count(*) FROM shipments"));
        Assert.Equal(0, await ScalarAsync(db, "SELECT count(*) FROM orders o LEFT JOIN shipments s ON s.order_id = o.id WHERE s.order_id IS NULL"));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string EventId(Confluent.Kafka.ConsumeResult<string?, string> record) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(OutboxTopics.EventIdHeader));
}
