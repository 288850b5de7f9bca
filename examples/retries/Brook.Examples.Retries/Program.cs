using System.Collections.Concurrent;
using System.Globalization;
using Brook.Examples.Retries;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

// Brook.Examples.Retries <demo|replay> [--bootstrap-servers HOST:PORT] [options]
//   demo   [--topic orders] [--group order-processor] [--retries 3] [--base-delay-ms 1000] [--orders 10] [--fixed]
//          creates the topic layout, writes N orders and processes them until Ctrl+C with a handler that fails
//          orders ending in 3 once ("inventory timed out") and order-7 always ("customer blocked"), unless --fixed
//   replay --dlt orders.dlt [--to orders] [--group orders.dlt.replayer] [--max N]
//          moves dead-lettered records back to their original topic (or --to), then exits
var command = args.Length > 0 ? args[0] : "";
string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
int IntOption(string name, int fallback) => Option(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
var bootstrap = Option("--bootstrap-servers") ?? "127.0.0.1:9092";
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

switch (command)
{
    case "demo":
        var options = new RetryOptions
        {
            BootstrapServers = bootstrap,
            Topic = Option("--topic") ?? "orders",
            GroupId = Option("--group") ?? "order-processor",
            RetryCount = IntOption("--retries", 3),
            BaseDelay = TimeSpan.FromMilliseconds(IntOption("--base-delay-ms", 1000)),
            Log = Console.WriteLine,
        };
        await CreateTopicsAsync(bootstrap, options.Topology, partitions: 3);
        using (var producer = new ProducerBuilder<string, string>(RetryingConsumer.ProducerConfig(bootstrap)).Build())
        {
            for (var i = 1; i <= IntOption("--orders", 10); i++)
                await producer.ProduceAsync(options.Topic, new Message<string, string> { Key = $"customer-{i % 4}", Value = $"order-{i}" });
        }
        var broken = !args.Contains("--fixed");
        var failedOnce = new ConcurrentDictionary<string, bool>(); // levels run on their own threads
        var worker = new RetryingConsumer(options, (record, _) =>
        {
            var attempt = RetryHeaders.GetAttempt(record) ?? 0;
            if (broken && record.Message.Value == "order-7") throw new InvalidOperationException("customer blocked");
            if (record.Message.Value.EndsWith('3') && failedOnce.TryAdd(record.Message.Value, true)) throw new TimeoutException("inventory timed out");
            Console.WriteLine($"processed {record.Message.Value} from {record.TopicPartitionOffset} (retry {attempt})");
            return Task.CompletedTask;
        });
        Console.WriteLine($"processing {options.Topic}; dead letters go to {options.Topology.DeadLetterTopic}. Ctrl+C stops.");
        await worker.RunAsync(cancel.Token);
        return 0;
    case "replay":
        if (Option("--dlt") is not { } dlt)
        {
            Console.Error.WriteLine("replay needs --dlt TOPIC");
            return 2;
        }
        var replayed = await new DeadLetterReplayer(new DeadLetterReplayOptions
        {
            BootstrapServers = bootstrap,
            DeadLetterTopic = dlt,
            TargetTopic = Option("--to"),
            GroupId = Option("--group"),
            MaxRecords = Option("--max") is null ? null : IntOption("--max", 0),
            Log = Console.WriteLine,
        }).ReplayAsync(cancel.Token);
        Console.WriteLine($"{replayed} records replayed");
        return 0;
    default:
        Console.Error.WriteLine("usage: Brook.Examples.Retries <demo|replay> [--bootstrap-servers HOST:PORT] [options]");
        return 2;
}

// The retry and dead-letter topics get the main topic's partition count, so a key keeps one partition everywhere.
static async Task CreateTopicsAsync(string bootstrap, RetryTopology topology, int partitions)
{
    using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
    try
    {
        await admin.CreateTopicsAsync(topology.Topics.Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = -1 }));
    }
    catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
    {
        // Already there from an earlier run.
    }
}
