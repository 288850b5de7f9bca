using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Bench;

/// <summary>
/// Producer throughput and latency: sends N records of a fixed-size random value (one payload reused, like Kafka's
/// producer-perf-test) and measures delivery-report latency for every record.
/// </summary>
public static class ProduceBenchmark
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        await EnsureTopicAsync(o).ConfigureAwait(false);

        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            Acks = o.Idempotence ? Acks.All : o.Acks,
            EnableIdempotence = o.Idempotence,
            CompressionType = o.Compression,
            LingerMs = o.LingerMs,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            // Latency is measured from our Produce call, so it includes time spent queued in librdkafka. Only the
            // value, not key/headers, is needed back in delivery reports; skipping the rest saves marshalling.
            DeliveryReportFields = "status",
        };
        if (o.BatchSize is { } batchSize) config.BatchSize = batchSize;

        var payload = new byte[o.RecordSize];
        new Random(42).NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload }; // Confluent copies on Produce, so one instance serves all

        // Latency is sampled (one record in LatencySampleEvery) so the measuring itself — a closure per record —
        // does not eat the client's CPU budget; every record still gets a delivery report for the counts.
        const int LatencySampleEvery = 16;
        var latencies = new long[o.Records / LatencySampleEvery + 1];
        var sampled = 0L;
        var delivered = 0L;
        var failed = 0L;
        string? firstError = null;

        Console.WriteLine($"produce: {o.Records:N0} records x {o.RecordSize} B to '{o.Topic}' at {o.Bootstrap}; acks={AcksText(config.Acks)}, " +
                          $"compression={o.Compression}, linger.ms={o.LingerMs}, batch.size={o.BatchSize?.ToString() ?? "default"}, idempotence={o.Idempotence}, " +
                          $"rate={(o.RateMBps is { } r ? $"{r} MB/s" : "unlimited")}, latency after {o.WarmupSeconds} s of warm-up");
        var pacer = new ProducePacer(o.RateMBps, o.RecordSize);

        // Delivery reports run on one thread (the poll loop), so plain writes to the counters are safe there.
        bool Count(DeliveryReport<Null, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
                firstError ??= report.Error.ToString();
                return false;
            }
            Interlocked.Increment(ref delivered);
            return true;
        }
        Action<DeliveryReport<Null, byte[]>> unsampled = report => Count(report);

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var clock = Stopwatch.StartNew();
        var lastReport = clock.Elapsed;
        for (long i = 0; i < o.Records; i++)
        {
            pacer.WaitTurn(i, clock);
            Action<DeliveryReport<Null, byte[]>> handler = unsampled;
            if (i % LatencySampleEvery == 0 && clock.Elapsed.TotalSeconds >= o.WarmupSeconds)
            {
                var sentAt = Stopwatch.GetTimestamp();
                handler = report =>
                {
                    if (Count(report)) latencies[sampled++] = Stopwatch.GetTimestamp() - sentAt;
                };
            }
            ProducerQueue.ProduceWhenQueued(producer, o.Topic, message, handler);
            if ((i & 0xFFFF) == 0 && clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  ... {i:N0} sent, {Interlocked.Read(ref delivered):N0} acknowledged, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        var remaining = producer.Flush(TimeSpan.FromMinutes(5));
        // Flush returns when librdkafka's queue is empty; the last delivery callbacks may still be running.
        var settle = Stopwatch.StartNew();
        while (remaining == 0 && Interlocked.Read(ref delivered) + Interlocked.Read(ref failed) < o.Records && settle.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(1);
        clock.Stop();

        var seconds = clock.Elapsed.TotalSeconds;
        var count = Interlocked.Read(ref delivered);
        var mb = count * (double)o.RecordSize / (1024 * 1024);
        Console.WriteLine($"  elapsed {seconds:F2} s: {count / seconds:N0} records/s, {mb / seconds:F2} MB/s ({count:N0} delivered)");
        var p = Percentiles.Compute(latencies, (int)sampled, 50, 99, 99.9, 100);
        Console.WriteLine($"  produce latency ms: p50 {p[0]:F2}  p99 {p[1]:F2}  p99.9 {p[2]:F2}  max {p[3]:F2}");
        if (failed > 0 || remaining > 0)
        {
            Console.WriteLine($"  FAILED deliveries: {failed:N0} (first: {firstError}), still queued at exit: {remaining:N0}");
            return 1;
        }
        return 0;
    }

    internal static string AcksText(Acks? acks) => acks switch
    {
        Acks.All => "all",
        Acks.Leader => "1",
        Acks.None => "0",
        _ => "default",
    };

    internal static Task EnsureTopicAsync(BenchOptions o) => EnsureTopicAsync(o, o.Topic, o.Partitions);

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions and the options' replication, unless it exists.</summary>
    internal static async Task EnsureTopicAsync(BenchOptions o, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = o.Bootstrap }).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = partitions, ReplicationFactor = o.ReplicationFactor,
                Configs = new Dictionary<string, string> { ["min.insync.replicas"] = o.MinInsyncReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }],
                new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
            Console.WriteLine($"created topic '{topic}' with {partitions} partitions");
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            var existing = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
            Console.WriteLine($"topic '{topic}' exists with {existing} partitions");
        }
        catch (KafkaException ex)
        {
            // Not fatal: a broker with auto.create.topics.enable still gets the topic on first produce.
            Console.WriteLine($"could not create topic '{topic}' ({ex.Error.Reason}); producing anyway");
        }
    }
}
