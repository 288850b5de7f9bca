using System.Diagnostics;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>
/// Consumer-group costs: synchronous offset commits per second, and the time a group of two takes to settle after a
/// third member joins (every partition owned by exactly one of the three).
/// </summary>
public static class GroupBenchmarks
{
    public static async Task<int> CommitAsync(BenchOptions o)
    {
        await ProduceBenchmark.EnsureTopicAsync(o).ConfigureAwait(false);
        var group = $"bench-commit-{Guid.NewGuid():N}";
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Config(o, group)).Build();
        var tp = new TopicPartition(o.Topic, 0);
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var count = o.Records;
        Console.WriteLine($"commit: {count:N0} synchronous commits of one offset, group {group}, protocol {o.GroupProtocol}");
        var latencies = new long[count];
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            consumer.Commit([new TopicPartitionOffset(tp, new Offset(i + 1))]);
            latencies[i] = Stopwatch.GetTimestamp() - start;
        }
        clock.Stop();
        var p = Percentiles.Compute(latencies, (int)count, 50, 99, 99.9, 100);
        Console.WriteLine($"  {count / clock.Elapsed.TotalSeconds:N0} commits/s; latency ms: p50 {p[0]:F2}  p99 {p[1]:F2}  p99.9 {p[2]:F2}  max {p[3]:F2}");
        var committed = consumer.Committed([tp], TimeSpan.FromSeconds(10)).Single().Offset.Value;
        consumer.Close();
        if (committed != count)
        {
            Console.WriteLine($"  FAILED: committed offset reads back as {committed}, expected {count}");
            return 1;
        }
        return 0;
    }

    public static async Task<int> RebalanceAsync(BenchOptions o)
    {
        await ProduceBenchmark.EnsureTopicAsync(o).ConfigureAwait(false);
        var group = $"bench-rebalance-{Guid.NewGuid():N}";
        Console.WriteLine($"rebalance: 2 → 3 members on '{o.Topic}' ({o.Partitions} partitions), protocol {o.GroupProtocol}");
        var members = new List<IConsumer<Ignore, Ignore>>();
        try
        {
            for (var i = 0; i < 2; i++) members.Add(Join(o, group));
            if (!Settle(members, o.Partitions, TimeSpan.FromSeconds(60)))
            {
                Console.WriteLine("  FAILED: the first two members never settled");
                return 1;
            }
            var clock = Stopwatch.StartNew();
            members.Add(Join(o, group));
            if (!Settle(members, o.Partitions, TimeSpan.FromSeconds(120)))
            {
                Console.WriteLine("  FAILED: the group never settled with three members");
                return 1;
            }
            Console.WriteLine($"  settled with 3 members after {clock.Elapsed.TotalMilliseconds:N0} ms " +
                              $"(assignment {string.Join(" / ", members.Select(m => m.Assignment.Count))})");
            return 0;
        }
        finally
        {
            foreach (var m in members)
            {
                m.Close();
                m.Dispose();
            }
        }
    }

    private static ConsumerConfig Config(BenchOptions o, string group)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = o.Bootstrap,
            GroupId = group,
            GroupProtocol = o.GroupProtocol,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Latest,
        };
        // The consumer protocol (KIP-848) refuses the classic timing settings; the classic one gets snappy ones.
        if (o.GroupProtocol == GroupProtocol.Classic)
        {
            config.SessionTimeoutMs = 10_000;
            config.HeartbeatIntervalMs = 500;
        }
        return config;
    }

    private static IConsumer<Ignore, Ignore> Join(BenchOptions o, string group)
    {
        var consumer = new ConsumerBuilder<Ignore, Ignore>(Config(o, group)).Build();
        consumer.Subscribe(o.Topic);
        return consumer;
    }

    /// <summary>Polls every member until their assignments cover all partitions exactly once and each member has some.</summary>
    private static bool Settle(List<IConsumer<Ignore, Ignore>> members, int partitions, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            foreach (var m in members) m.Consume(TimeSpan.FromMilliseconds(10));
            var owned = members.SelectMany(m => m.Assignment).ToList();
            if (owned.Count == partitions && owned.Distinct().Count() == partitions && members.All(m => m.Assignment.Count > 0))
                return true;
        }
        return false;
    }
}
