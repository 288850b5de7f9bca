using System.Diagnostics;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>
/// The produce stall of a leader fail-over: an idempotent acks=all producer sends at a fixed rate to a local cluster,
/// a partition leader is SIGKILLed after --kill-after-s, and the longest gap between two acknowledgements of any
/// partition that broker led is the stall (detection by session timeout, election, client metadata refresh and retry
/// together). The victim is a leader that is not the active controller, or (--victim controller) the active
/// controller itself, whose death adds a quorum election and gives every broker a fresh session on the new controller
/// (as in Kafka). Every record must still be acknowledged.
/// </summary>
public static class FailoverBenchmark
{
    public static async Task<int> RunAsync(BenchOptions o, LocalBroker? cluster)
    {
        if (cluster is null || o.Brokers < 3)
        {
            Console.Error.WriteLine("error: failover needs --start-broker --brokers 3 (or more), so the bench can kill a leader");
            return 2;
        }
        await ProduceBenchmark.EnsureTopicAsync(o).ConfigureAwait(false);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = o.Bootstrap }).Build();

        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = o.Compression,
            LingerMs = o.LingerMs,
            QueueBufferingMaxMessages = 1_000_000,
        };
        var payload = new byte[o.RecordSize];
        new Random(42).NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload };
        Console.WriteLine($"failover: {o.Records:N0} records x {o.RecordSize} B at {o.RateMBps} MB/s, idempotent acks=all, " +
                          $"{o.Partitions} partitions RF={o.ReplicationFactor} min.isr={o.MinInsyncReplicas}; " +
                          $"a leader ({(o.KillController ? "the active controller" : "not the active controller")}) killed after {o.KillAfterSeconds} s");

        // Per partition: the last acknowledgement and the longest gap between two (delivery reports run on one thread).
        var lastAck = new long[o.Partitions];
        var longestGap = new long[o.Partitions];
        var delivered = 0L;
        var failed = 0L;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        Action<DeliveryReport<Null, byte[]>> handler = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
                firstError ??= report.Error.ToString();
                return;
            }
            Interlocked.Increment(ref delivered);
            var p = report.Partition.Value;
            var now = clock.ElapsedTicks;
            if (lastAck[p] > 0) longestGap[p] = Math.Max(longestGap[p], now - lastAck[p]);
            lastAck[p] = now;
        };

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var pacer = new ProducePacer(o.RateMBps, o.RecordSize);
        int? victim = null;
        var victimPartitions = new List<int>();
        for (long i = 0; i < o.Records; i++)
        {
            pacer.WaitTurn(i, clock);
            if (victim is null && clock.Elapsed.TotalSeconds >= o.KillAfterSeconds)
            {
                var partitions = admin.GetMetadata(o.Topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
                var controller = cluster.ActiveController();
                var candidates = partitions.Select(p => p.Leader).Distinct().Where(l => (l == controller) == o.KillController).ToList();
                if (candidates.Count == 0)
                {
                    Console.Error.WriteLine($"error: no partition leader is {(o.KillController ? "" : "not ")}the active controller ({controller}); try more --partitions");
                    return 1;
                }
                victim = candidates.Min();
                victimPartitions.AddRange(partitions.Where(p => p.Leader == victim).Select(p => p.PartitionId));
                cluster.Kill(victim.Value);
                Console.WriteLine($"  killed node {victim} (active controller: {controller}; leader of partitions {string.Join(',', victimPartitions)}) at {clock.Elapsed.TotalSeconds:F1} s, " +
                                  $"{Interlocked.Read(ref delivered):N0} acknowledged so far");
            }
            ProducerQueue.ProduceWhenQueued(producer, o.Topic, message, handler);
        }
        var remaining = producer.Flush(TimeSpan.FromMinutes(2));
        clock.Stop();

        if (victim is null)
        {
            Console.Error.WriteLine($"error: the run ended before --kill-after-s {o.KillAfterSeconds}; send more --records");
            return 1;
        }
        var stall = victimPartitions.Max(p => longestGap[p]) / (double)Stopwatch.Frequency;
        var normal = Enumerable.Range(0, o.Partitions).Where(p => !victimPartitions.Contains(p)).Select(p => longestGap[p]).DefaultIfEmpty(0).Max()
            / (double)Stopwatch.Frequency;
        Console.WriteLine($"  elapsed {clock.Elapsed.TotalSeconds:F1} s, {Interlocked.Read(ref delivered):N0} acknowledged, {Interlocked.Read(ref failed):N0} failed");
        Console.WriteLine($"  produce stall on the killed leader's partitions: {stall:F2} s (longest gap elsewhere: {normal:F2} s)");
        if (failed > 0 || remaining > 0)
        {
            Console.WriteLine($"  FAILED deliveries: {failed:N0} (first: {firstError}), still queued at exit: {remaining:N0}");
            return 1;
        }
        return 0;
    }
}
