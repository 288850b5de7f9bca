using System.Collections.Concurrent;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// Partition reassignment (KIP-455) on three real combined nodes (issue 10, scenario 1): an RF=2 partition moves from
/// [x, y] to [y, n] while an idempotent acks=all producer and a consumer group run. The new replica is paused
/// (SIGSTOP) when the move starts, so ListPartitionReassignments shows it adding and x removing until it resumes; then
/// it catches up, joins the ISR, the move completes, x deletes its copy, and every acknowledged record is read back
/// exactly once. A second move, cancelled while the new replica is paused, restores the old replica set; then that
/// partition grows to three replicas (refused first by a request that forbids replication factor changes). The requests
/// are sent as Kafka's admin client sends them (Confluent.Kafka has no reassignment API) to brokers that are not the
/// active controller, which forward them.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterReassignmentTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Moving_an_rf2_partition_under_load_loses_nothing_and_a_cancelled_move_restores_the_old_replicas()
    {
        await using var cluster = await ClusterProcess.StartAsync("reassign", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides =
            [
                .. FailoverClusterFixture.NodeOverrides,
            ],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        // The new replica must not be the active controller: pausing it must not stop the quorum.
        var (controller, _) = await ClusterProbe.QuorumLeaderAsync(cluster);
        var added = cluster.Nodes.First(n => n.NodeId != controller);
        var original = cluster.Nodes.Where(n => n != added).Select(n => n.NodeId).ToList();
        var (removed, kept) = (original[0], original[1]);
        var asked = cluster.Nodes.First(n => n.NodeId != controller && n != added);
        output.WriteLine($"controller {controller}; moving [{removed},{kept}] -> [{kept},{added.NodeId}] through node {asked.NodeId}");

        var topic = KafkaTestClient.UniqueTopic("move");
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic,
                NumPartitions = 2,
                ReplicationFactor = -1,
                ReplicasAssignments = new() { [0] = [removed, kept], [1] = [removed, kept] },
            }]);
        }
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 2, isr: 2, Patience);

        var ledger = new AcknowledgedRecordLedger();
        var partitions = KafkaTestClient.Partitions(topic, 2).ToList();
        using var group = new GroupReader(cluster.BootstrapServers, topic);
        await using (var stream = new NumberedStreamProducer(IdempotentConfig(cluster), ledger, partitions))
        {
            stream.Start();
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 200, "the stream did not get going", Patience);

            // Start the move with the new replica paused: it cannot catch up, so the move stays in progress.
            added.Pause();
            var moved = await AlterAsync(asked, topic, 0, [kept, added.NodeId]);
            Assert.Equal(BrookError.None, (BrookError)moved.ErrorCode);
            var ongoing = Assert.Single(await ListAsync(asked, topic));
            Assert.Equal((0, new[] { kept, added.NodeId, removed }, new[] { added.NodeId }, new[] { removed }),
                (ongoing.PartitionIndex, ongoing.Replicas.ToArray(), ongoing.AddingReplicas.ToArray(), ongoing.RemovingReplicas.ToArray()),
                OngoingComparer.Instance);
            var acksWhileStalled = ledger.AcknowledgedCount;
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= acksWhileStalled + 200, "producing stopped while the move was stalled", Patience);
            Assert.Single(await ListAsync(asked, topic)); // still running

            added.Resume();
            await Eventually.HoldsAsync(async () => (await ListAsync(asked, topic)).Count == 0, "the move did not complete after the new replica resumed", Patience);
            await WaitForReplicasAsync(cluster, topic, 0, [kept, added.NodeId]);
            var settled = ledger.AcknowledgedCount;
            await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= settled + 200, "producing did not go on after the move", Patience);

            // A second move of partition 1, cancelled before the paused new replica could catch up.
            added.Pause();
            Assert.Equal(BrookError.None, (BrookError)(await AlterAsync(asked, topic, 1, [kept, added.NodeId])).ErrorCode);
            Assert.Single(await ListAsync(asked, topic));
            Assert.Equal(BrookError.None, (BrookError)(await AlterAsync(asked, topic, 1, null)).ErrorCode);
            Assert.Empty(await ListAsync(asked, topic));
            Assert.Equal(BrookError.NoReassignmentInProgress, (BrookError)(await AlterAsync(asked, topic, 1, null)).ErrorCode);
            added.Resume();
            await WaitForReplicasAsync(cluster, topic, 1, [removed, kept], anyOrder: true);
            await Eventually.HoldsAsync(() => !Directory.Exists(Path.Combine(added.DataDirectory, $"{topic}-1")),
                "the cancelled move left a copy of the partition on the new replica", Patience);

            // A replication factor change is a reassignment too; v1 may forbid it (KIP-860).
            var current = (await ClusterProbe.TopicAsync(asked, topic))!.Partitions.Single(p => p.PartitionIndex == 1).ReplicaNodes;
            List<int> grown = [.. current, added.NodeId];
            Assert.Equal(BrookError.InvalidReplicationFactor, (BrookError)(await AlterAsync(asked, topic, 1, grown, allowReplicationFactorChange: false)).ErrorCode);
            Assert.Equal(BrookError.None, (BrookError)(await AlterAsync(asked, topic, 1, grown)).ErrorCode);
            await Eventually.HoldsAsync(async () => (await ListAsync(asked, topic)).Count == 0, "the replication factor change did not complete", Patience);
            await WaitForReplicasAsync(cluster, topic, 1, [.. grown]);
            Assert.Equal(0, await stream.StopAsync(Patience));
        }

        ledger.AssertOnlyRetriableFailures();
        await ledger.VerifyReadBackAsync(cluster.BootstrapServers, partitions);
        var acknowledged = ledger.Acknowledged.Select(a => a.Value).ToHashSet();
        await Eventually.HoldsAsync(() => acknowledged.IsSubsetOf(group.Values.Keys), "the consumer group did not read every acknowledged record", Patience);
        Assert.All(group.Values, kv => Assert.Equal(1, kv.Value));
        // The removed replica dropped its copy of partition 0.
        await Eventually.HoldsAsync(() => !Directory.Exists(Path.Combine(cluster.Node(removed).DataDirectory, $"{topic}-0")),
            "the replica the move removed kept its log", Patience);
        Assert.Contains($"Reassignment of {topic}-0 completed", cluster.Log);
    }

    private static ProducerConfig IdempotentConfig(ClusterProcess cluster)
    {
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        config.MessageTimeoutMs = 60_000;
        return config;
    }

    private static async Task<AlterPartitionReassignmentsResponse.ReassignablePartitionResponse> AlterAsync(ClusterNode node, string topic, int partition, List<int>? replicas,
        bool allowReplicationFactorChange = true)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var response = await client.SendAsync<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
        {
            AllowReplicationFactorChange = allowReplicationFactorChange,
            Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = partition, Replicas = replicas }] }],
        }, 1);
        Assert.Equal(0, response.ErrorCode);
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    private static async Task<List<ListPartitionReassignmentsResponse.OngoingPartitionReassignment>> ListAsync(ClusterNode node, string topic)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var response = await client.SendAsync<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest
        {
            Topics = [new() { Name = topic, PartitionIndexes = [0, 1] }],
        }, 0);
        Assert.Equal(0, response.ErrorCode);
        return [.. response.Topics.SelectMany(t => t.Partitions)];
    }

    /// <summary>Waits until every node's metadata shows the partition with exactly these replicas, all in sync, and a leader among them.</summary>
    private static Task WaitForReplicasAsync(ClusterProcess cluster, string topic, int partition, int[] replicas, bool anyOrder = false) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                if (await ClusterProbe.TopicAsync(node, topic) is not { ErrorCode: 0 } t) return false;
                var p = t.Partitions.Single(x => x.PartitionIndex == partition);
                var same = anyOrder ? p.ReplicaNodes.Order().SequenceEqual(replicas.Order()) : p.ReplicaNodes.SequenceEqual(replicas);
                if (!same || !p.IsrNodes.Order().SequenceEqual(replicas.Order()) || !replicas.Contains(p.LeaderId)) return false;
            }
            return true;
        }, $"{topic}-{partition} did not settle on replicas [{string.Join(",", replicas)}] everywhere", Patience);

    /// <summary>A consumer group member reading the topic in the background, counting how often it saw each value.</summary>
    private sealed class GroupReader : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public GroupReader(string bootstrap, string topic)
        {
            var config = KafkaTestClient.ConsumerConfig(bootstrap);
            config.EnableAutoCommit = true;
            config.EnableAutoOffsetStore = true;
            _loop = Task.Run(() =>
            {
                using var consumer = KafkaTestClient.CreateConsumer(config);
                consumer.Subscribe(topic);
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message.Value: { } value })
                            Values.AddOrUpdate(System.Text.Encoding.UTF8.GetString(value), 1, (_, n) => n + 1);
                    }
                    catch (ConsumeException) { } // retriable hiccups while leaders move; the value counts tell the truth
                }
                consumer.Close();
            });
        }

        public ConcurrentDictionary<string, int> Values { get; } = new();

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(30));
            _stop.Dispose();
        }
    }

    private sealed class OngoingComparer : IEqualityComparer<(int, int[], int[], int[])>
    {
        public static readonly OngoingComparer Instance = new();
        public bool Equals((int, int[], int[], int[]) x, (int, int[], int[], int[]) y) =>
            x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2) && x.Item3.SequenceEqual(y.Item3) && x.Item4.SequenceEqual(y.Item4);
        public int GetHashCode((int, int[], int[], int[]) obj) => obj.Item1;
    }
}
