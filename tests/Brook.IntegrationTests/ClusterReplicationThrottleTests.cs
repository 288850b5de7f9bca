using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// Replication throttles (KIP-73) on three real combined nodes: with leader/follower.replication.throttled.rate set
/// dynamically as the cluster-wide broker default (IncrementalAlterConfigs) and the topic's
/// leader/follower.replication.throttled.replicas at *, a reassignment that copies 4 MiB to a new replica takes about
/// as long as the rate says, while an idempotent acks=all producer writing to the same partition is not slowed (its
/// in-sync followers are never throttled); the same move of an unthrottled topic is much quicker.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterReplicationThrottleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const long RateBytesPerSecond = 512 * 1024;
    private const int RecordSize = 1024;
    private const int Records = 4096; // 4 MiB of values
    private const int QuotaSamples = 5;

    [Fact]
    public async Task A_throttled_move_runs_at_the_throttle_rate_without_slowing_in_sync_replication()
    {
        await using var cluster = await ClusterProcess.StartAsync("throttle", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides =
            [
                .. FailoverClusterFixture.NodeOverrides,
                // Five one-second samples (Kafka: 11): the rate divides by at least four seconds, so the first 2 MiB pass
                // at once and the other 2 MiB at the rate — at least 4 s. Small fetches keep the overshoot of the one
                // fetch that crosses the limit small.
                new("replication.quota.window.num", QuotaSamples.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("replication.quota.window.size.seconds", "1"),
                new("replica.fetch.max.bytes", "65536"),
            ],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var (controller, _) = await ClusterProbe.QuorumLeaderAsync(cluster);
        var added = cluster.Nodes.First(n => n.NodeId != controller);
        var original = cluster.Nodes.Where(n => n != added).Select(n => n.NodeId).ToArray();
        var asked = cluster.Nodes.First(n => n.NodeId != controller && n != added);

        using var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers);
        var throttled = KafkaTestClient.UniqueTopic("throttled");
        var free = KafkaTestClient.UniqueTopic("free");
        foreach (var topic in new[] { throttled, free })
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [.. original] },
                Configs = topic == throttled
                    ? new() { ["leader.replication.throttled.replicas"] = "*", ["follower.replication.throttled.replicas"] = "*" }
                    : null,
            }]);
            await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, isr: 2, Patience);
            await FillAsync(cluster, topic);
        }
        var rate = RateBytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ClusterDefaults.SetAsync(asked, ("leader.replication.throttled.rate", rate), ("follower.replication.throttled.rate", rate));

        var unthrottledMove = await MoveAsync(cluster, asked, free, [original[1], added.NodeId]);

        var ledger = new AcknowledgedRecordLedger();
        var tp = new TopicPartition(throttled, 0);
        TimeSpan throttledMove;
        int acksDuringMove;
        await using (var stream = new NumberedStreamProducer(IdempotentConfig(cluster), ledger, [tp]))
        {
            stream.Start(perTick: 2, tick: TimeSpan.FromMilliseconds(10));
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 50, "the stream did not get going", Patience);
            var before = ledger.AcknowledgedCount;
            throttledMove = await MoveAsync(cluster, asked, throttled, [original[1], added.NodeId]);
            acksDuringMove = ledger.AcknowledgedCount - before;
            Assert.Equal(0, await stream.StopAsync(Patience));
        }
        output.WriteLine($"moving 4 MiB: {unthrottledMove.TotalSeconds:F1} s unthrottled, {throttledMove.TotalSeconds:F1} s at {RateBytesPerSecond / 1024} KiB/s; " +
                         $"{acksDuringMove} acks=all records acknowledged during the throttled move");

        // Kafka's rate: what (samples - 1) windows at the rate allow passes at once, the rest at the rate.
        var atRate = (Records * (double)RecordSize - RateBytesPerSecond * (QuotaSamples - 1)) / RateBytesPerSecond;
        Assert.True(throttledMove.TotalSeconds >= atRate * 0.75, $"the throttled move took only {throttledMove.TotalSeconds:F1} s, expected about {atRate:F0} s or more");
        Assert.True(unthrottledMove * 2 < throttledMove, $"unthrottled {unthrottledMove.TotalSeconds:F1} s vs throttled {throttledMove.TotalSeconds:F1} s");
        // The producer kept its pace (about 200 records/s) through the move: in-sync followers are never throttled.
        Assert.True(acksDuringMove >= throttledMove.TotalSeconds * 100, $"only {acksDuringMove} acknowledgements in {throttledMove.TotalSeconds:F1} s");
        ledger.AssertOnlyRetriableFailures();
        await ledger.VerifyReadBackAsync(cluster.BootstrapServers, [tp]);
    }

    /// <summary>Writes 4 MiB of distinct 1 KiB records (the read-back check wants every value once) to partition 0 with acks=all.</summary>
    private static async Task FillAsync(ClusterProcess cluster, string topic)
    {
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(cluster.BootstrapServers));
        await Task.WhenAll(Enumerable.Range(0, Records).Select(i => producer.ProduceAsync(new TopicPartition(topic, 0),
            new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.ASCII.GetBytes($"fill-{i:D6}-".PadRight(RecordSize, 'x')) })));
    }

    /// <summary>Starts a reassignment through <paramref name="node"/> and returns how long it ran until ListPartitionReassignments no longer lists it.</summary>
    private static async Task<TimeSpan> MoveAsync(ClusterProcess cluster, ClusterNode node, string topic, List<int> target)
    {
        var clock = Stopwatch.StartNew();
        using (var client = await node.ConnectAsync(ClusterListener.Client))
        {
            var response = await client.SendAsync<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
            {
                Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, Replicas = target }] }],
            }, 0);
            Assert.Equal(BrookError.None, (BrookError)Assert.Single(Assert.Single(response.Responses).Partitions).ErrorCode);
        }
        await Eventually.HoldsAsync(async () =>
        {
            using var client = await node.ConnectAsync(ClusterListener.Client);
            var listed = await client.SendAsync<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest
            {
                Topics = [new() { Name = topic, PartitionIndexes = [0] }],
            }, 0);
            return listed.Topics.Count == 0;
        }, $"the move of {topic} did not complete", Patience, TimeSpan.FromMilliseconds(50));
        var elapsed = clock.Elapsed;
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, isr: 2, Patience);
        return elapsed;
    }

    private static ProducerConfig IdempotentConfig(ClusterProcess cluster)
    {
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        return config;
    }
}
