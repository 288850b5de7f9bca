using System.Diagnostics;
using Brook.Examples.Outbox;
using Confluent.Kafka;
using Npgsql;

// brook-outbox <schema|place-orders|relay|ship> --bootstrap-servers HOST:PORT --connection-string "Host=...;..." [options]
//   place-orders --count N          N orders, each with its outbox row, one transaction per order
//   relay [--batch-size N] [--crash-after-batches N] [--exit-when-drained]
//                                   publish the outbox; --crash-after-batches kills this process (SIGKILL) right after
//                                   the Nth batch is acknowledged and before it is marked sent: the worst moment
//   ship                            run the deduplicating shipping consumer until Ctrl+C
var command = args.Length > 0 ? args[0] : "";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var bootstrap = Option("--bootstrap-servers", "127.0.0.1:9092");
var connectionString = Option("--connection-string", "Host=127.0.0.1;Username=postgres;Database=postgres");
await using var db = NpgsqlDataSource.Create(connectionString);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

switch (command)
{
    case "schema":
        await OutboxSchema.CreateAsync(db);
        return 0;
    case "place-orders":
        var service = new OrderService(db);
        var count = int.Parse(Option("--count", "10"), System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++) await service.PlaceOrderAsync($"customer-{i % 7}", 10 + i);
        Console.WriteLine($"placed {count} orders");
        return 0;
    case "relay":
        var crashAfter = int.Parse(Option("--crash-after-batches", "0"), System.Globalization.CultureInfo.InvariantCulture);
        var batches = 0;
        using (var producer = new ProducerBuilder<string, string>(OutboxRelay.ProducerConfig(bootstrap)).Build())
        {
            var relay = new OutboxRelay(db, producer, new OutboxRelayOptions
            {
                BatchSize = int.Parse(Option("--batch-size", "100"), System.Globalization.CultureInfo.InvariantCulture),
                AfterPublish = n =>
                {
                    Console.WriteLine($"batch of {n} acknowledged");
                    if (++batches == crashAfter)
                    {
                        Console.WriteLine("crashing before marking the batch sent");
                        Process.GetCurrentProcess().Kill(); // SIGKILL: no cleanup, the transaction is simply lost
                    }
                },
            });
            if (args.Contains("--exit-when-drained"))
            {
                while (await relay.PublishBatchAsync(cancel.Token) > 0) { }
            }
            else
            {
                await relay.RunAsync(cancel.Token);
            }
            Console.WriteLine($"relay published {relay.Published}");
        }
        return 0;
    case "ship":
        var shipping = new ShippingConsumer(db, bootstrap);
        try
        {
            await shipping.RunAsync(cancel.Token);
        }
        catch (OperationCanceledException) { }
        Console.WriteLine($"applied {shipping.Applied}, duplicates skipped {shipping.Duplicates}");
        return 0;
    default:
        Console.Error.WriteLine("usage: brook-outbox <schema|place-orders|relay|ship> --bootstrap-servers HOST:PORT --connection-string CS");
        return 2;
}
