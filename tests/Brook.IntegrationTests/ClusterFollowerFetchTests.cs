using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Fetch from follower (KIP-392, issue 10 scenario 4) on three real combined nodes in racks r1, r2, r3 with
/// replica.selector.class set to Kafka's RackAwareReplicaSelector: a Confluent.Kafka consumer with client.rack of a
/// follower's rack is sent to that follower by the leader (PreferredReadReplica) and reads every acknowledged record
/// from it; SIGSTOP that follower and the consumer goes back to the leader and keeps reading.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterFollowerFetchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_consumer_reads_from_the_in_sync_replica_of_its_rack_and_falls_back_to_the_leader_when_it_stops()
    {
        await using var cluster = await ClusterProcess.StartAsync("rackfetch", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Racks = ["r1", "r2", "r3"],
            Overrides =
            [
                .. FailoverClusterFixture.NodeOverrides,
                new("replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector"),
            ],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        // The consumer's rack holds a follower that is not the active controller (it will be paused) nor the leader.
        var (controller, _) = await ClusterProbe.QuorumLeaderAsync(cluster);
        var near = cluster.Nodes.First(n => n.NodeId != controller);
        var leader = cluster.Nodes.First(n => n != near);
        var third = cluster.Nodes.Single(n => n != near && n != leader);
        var topic = KafkaTestClient.UniqueTopic("rack");
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1,
                ReplicasAssignments = new() { [0] = [leader.NodeId, near.NodeId, third.NodeId] },
                Configs = new() { ["min.insync.replicas"] = "2" },
            }]);
        }
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, isr: 3, Patience);
        output.WriteLine($"leader {leader.NodeId} ({leader.Rack}), consumer in {near.Rack} with follower {near.NodeId}");

        await ProduceAsync(cluster, topic, 0, 100);
        var config = KafkaTestClient.ConsumerConfig(cluster.BootstrapServers);
        config.ClientRack = near.Rack;
        var seen = new List<string>();
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        ConsumeUntil(consumer, seen, 100);
        // The node's output is collected asynchronously: give the line a moment to arrive.
        await Eventually.HoldsAsync(() => near.Log.Contains($"Serving consumer fetches of {topic}-0 as a follower", StringComparison.Ordinal),
            $"node {near.NodeId} did not serve the consumer as a follower", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain($"Serving consumer fetches of {topic}-0 as a follower", third.Log);

        near.Pause();
        try
        {
            // acks=all waits until the paused follower leaves the ISR (replica.lag.time.max.ms), then the others have it.
            await ProduceAsync(cluster, topic, 100, 100);
            ConsumeUntil(consumer, seen, 200);
        }
        finally
        {
            near.Resume();
        }
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"v{i}"), seen);
    }

    private static async Task ProduceAsync(ClusterProcess cluster, string topic, int first, int count)
    {
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(cluster.BootstrapServers));
        for (var i = first; i < first + count; i++)
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"v{i}") });
    }

    /// <summary>Polls until <paramref name="seen"/> holds <paramref name="count"/> values (fails after the patience).</summary>
    private static void ConsumeUntil(IConsumer<byte[]?, byte[]?> consumer, List<string> seen, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (seen.Count < count)
        {
            Assert.True(clock.Elapsed < Patience, $"only {seen.Count} of {count} records read within {Patience.TotalSeconds:0} s");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message.Value: { } value })
                seen.Add(System.Text.Encoding.UTF8.GetString(value));
        }
    }
}
