using System.Diagnostics;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>
/// Consumer throughput: reads N records from the beginning of every partition (manual assignment, no group
/// membership, no commits) and reports records/s and MB/s of key+value bytes.
/// </summary>
public static class ConsumeBenchmark
{
    public static int Run(BenchOptions o)
    {
        int partitionCount;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = o.Bootstrap }).Build())
        {
            var topic = admin.GetMetadata(o.Topic, TimeSpan.FromSeconds(10)).Topics.Single();
            if (topic.Error.IsError)
            {
                Console.WriteLine($"topic '{o.Topic}': {topic.Error}");
                return 1;
            }
            partitionCount = topic.Partitions.Count;
        }

        var config = new ConsumerConfig
        {
            BootstrapServers = o.Bootstrap,
            GroupId = $"brook-bench-{Guid.NewGuid():N}", // required by the client even without subscribe; never committed
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            // librdkafka 2.x pauses a partition's fetching for fetch.queue.backoff.ms (1 s by default) whenever its local
            // queue is over the prefetch thresholds; a throughput test drains the queue at once, so poll again promptly.
            FetchQueueBackoffMs = 10,
        };
        Console.WriteLine($"consume: {o.Records:N0} records from '{o.Topic}' ({partitionCount} partitions) at {o.Bootstrap}");

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitionCount).Select(p => new TopicPartitionOffset(o.Topic, p, Offset.Beginning)));

        var clock = Stopwatch.StartNew();
        var lastProgress = clock.Elapsed;
        TimeSpan? firstRecord = null;
        long records = 0, bytes = 0;
        while (records < o.Records)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null)
            {
                if (clock.Elapsed - lastProgress > TimeSpan.FromSeconds(o.TimeoutSeconds)) break;
                continue;
            }
            firstRecord ??= clock.Elapsed;
            lastProgress = clock.Elapsed;
            records++;
            bytes += (r.Message.Key?.Length ?? 0) + (r.Message.Value?.Length ?? 0);
        }
        var seconds = lastProgress.TotalSeconds;
        consumer.Close();

        var mb = bytes / (1024.0 * 1024);
        Console.WriteLine($"  {records:N0} records, {mb:F1} MB in {seconds:F2} s (first record after {firstRecord?.TotalMilliseconds ?? double.NaN:F0} ms): " +
                          $"{records / seconds:N0} records/s, {mb / seconds:F2} MB/s");
        if (records < o.Records)
        {
            Console.WriteLine($"  INCOMPLETE: no new records for {o.TimeoutSeconds} s after {records:N0} of {o.Records:N0}");
            return 1;
        }
        return 0;
    }
}
