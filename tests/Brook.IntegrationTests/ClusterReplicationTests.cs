using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// Three combined nodes with quick ISR reactions (replica.lag.time.max.ms of 3 s), each with its admin listener
/// (/metrics) on a port of its own, shared by the class.
/// </summary>
public sealed class ReplicationClusterFixture : ClusterFixture
{
    public const int LagTimeMaxMs = 3000;

    /// <summary>The admin listener port of node <c>i + 1</c>, on 127.0.0.1.</summary>
    public IReadOnlyList<int> AdminPorts { get; } = [FreePort.Pick(), FreePort.Pick(), FreePort.Pick()];

    protected override string Name => "replication";

    protected override ClusterOptions Options => new()
    {
        ReadyOn = ClusterListener.Client,
        NodeOverrides = nodeId => [new("brook.admin.listener", $"127.0.0.1:{AdminPorts[nodeId - 1]}")],
        Overrides =
        [
            new("replica.lag.time.max.ms", LagTimeMaxMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("group.initial.rebalance.delay.ms", "0"),
            new("offsets.topic.num.partitions", "3"),
            new("transaction.state.log.num.partitions", "3"),
        ],
    };
}

/// <summary>
/// The replicated cluster with real processes and real clients: a KRaft quorum of three combined nodes elects a
/// controller, brokers register through it, RF=3 partitions replicate byte for byte, acks=all waits for the ISR, the
/// ISR shrinks and grows with a paused follower, clients are steered to the leader (KIP-951), and the quorum
/// survives the loss of its active controller.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterReplicationTests : IClassFixture<ReplicationClusterFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ClusterProcess _cluster;
    private readonly ClusterLogReporter _logs;

    private readonly ReplicationClusterFixture _fixture;
    private readonly ITestOutputHelper _output;

    public ClusterReplicationTests(ReplicationClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _cluster = fixture.Cluster;
        _logs = new ClusterLogReporter(_cluster, output);
    }

    public void Dispose() => _logs.Dispose();

    private string Bootstrap => _cluster.BootstrapServers;

    [Fact]
    public async Task Rf3AcksAllRecordsAreReadBackAndEveryReplicaHoldsTheSameLog()
    {
        var topic = KafkaTestClient.UniqueTopic("rf3");
        await CreateTopicAsync(topic, partitions: 3, minIsr: 2);
        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.EnableIdempotence = true;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            var sends = Enumerable.Range(0, 3000).Select(i => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
            {
                Key = BitConverter.GetBytes(i),
                Value = System.Text.Encoding.UTF8.GetBytes($"v{i}"),
            })).ToList();
            var results = await Task.WhenAll(sends);
            Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        }

        var read = KafkaTestClient.ConsumeExactly(Bootstrap, KafkaTestClient.Partitions(topic, 3), 3000);
        Assert.Equal(3000, read.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).Distinct().Count());
        foreach (var partition in read.GroupBy(r => r.Partition.Value))
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(o => (long)o), partition.Select(r => r.Offset.Value));

        // Followers fetch continuously; once they have caught up every replica's log file is byte-identical.
        for (var p = 0; p < 3; p++)
        {
            var partition = p;
            await Eventually.HoldsAsync(() =>
            {
                var logs = _cluster.Nodes.Select(n => SegmentBytes(n, topic, partition)).ToList();
                return logs.All(l => l.Length > 0 && l.AsSpan().SequenceEqual(logs[0]));
            }, $"the replicas of {topic}-{partition} did not converge", Patience);
        }
    }

    [Fact]
    public async Task DeletedRecordsStayDeletedWhenLeadershipMoves()
    {
        var topic = KafkaTestClient.UniqueTopic("delrec");
        await CreateTopicAsync(topic, partitions: 1, minIsr: 2);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < 100; i++) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(Patience));
        }
        var tp = new TopicPartition(topic, 0);
        using (var admin = KafkaTestClient.CreateAdmin(Bootstrap))
        {
            // The answer comes once every in-sync follower has moved its log start too.
            var deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset(tp, 40)]);
            Assert.Equal(40, Assert.Single(deleted).Offset.Value);
        }

        var (leader, _) = await LeaderOfAsync(topic, 0);
        var old = _cluster.Node(leader);
        Assert.Equal(0, await old.StopAsync());
        try
        {
            await Eventually.HoldsAsync(async () => (await LeaderOfAsync(topic, 0)).Leader is var l && l >= 0 && l != leader, "leadership did not move", Patience);
            var survivors = string.Join(',', _cluster.Nodes.Where(n => n.IsRunning).Select(n => n.BootstrapServers));
            using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(survivors));
            var marks = consumer.QueryWatermarkOffsets(tp, Patience);
            Assert.Equal(40, marks.Low.Value);
            Assert.Equal(100, marks.High.Value);
        }
        finally
        {
            await old.RestartAsync();
        }
    }

    [Fact]
    public async Task AFollowerSteersProducersToTheLeaderAndUnknownEpochsAreRefused()
    {
        var topic = KafkaTestClient.UniqueTopic("steer");
        await CreateTopicAsync(topic, partitions: 1, minIsr: 1);
        var (leader, epoch) = await LeaderOfAsync(topic, 0);
        var follower = _cluster.Nodes.First(n => n.NodeId != leader);

        using (var client = await follower.ConnectAsync(ClusterListener.Client))
        {
            using var builder = new RecordBatchBuilder();
            builder.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [1], [2]);
            var response = await client.SendAsync<ProduceRequest, ProduceResponse>(new ProduceRequest
            {
                Acks = -1,
                TimeoutMs = 10_000,
                TopicData = [new() { Name = topic, PartitionData = [new() { Index = 0, Records = new MemoryRecordSet(builder.Build()) }] }],
            }, 10);
            var p = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
            Assert.Equal((short)BrookError.NotLeaderOrFollower, p.ErrorCode);
            Assert.Equal(new LeaderIdAndEpoch { LeaderId = leader, LeaderEpoch = epoch }, p.CurrentLeader);
            var endpoint = Assert.Single(response.NodeEndpoints);
            Assert.Equal((leader, _cluster.Node(leader).ClientPort), (endpoint.NodeId, endpoint.Port));
        }

        using (var client = await _cluster.Node(leader).ConnectAsync(ClusterListener.Client))
        {
            var response = await client.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(new ListOffsetsRequest
            {
                ReplicaId = -1,
                Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, CurrentLeaderEpoch = epoch + 1, Timestamp = ListOffsetsRequest.LatestTimestamp }] }],
            }, 7);
            Assert.Equal((short)BrookError.UnknownLeaderEpoch, Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode);
        }
    }

    [Fact]
    public async Task APausedFollowerLeavesTheIsrAndAcksAllBelowMinIsrIsRefusedUntilItReturns()
    {
        var topic = KafkaTestClient.UniqueTopic("isr");
        await CreateTopicAsync(topic, partitions: 1, minIsr: 3);
        var controller = await ActiveControllerAsync();
        var (leader, _) = await LeaderOfAsync(topic, 0);
        // Pause a follower that is not the active controller, so the quorum keeps deciding ISR changes.
        var paused = _cluster.Nodes.First(n => n.NodeId != leader && n.NodeId != controller);
        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.MessageTimeoutMs = 5000;
        config.RequestTimeoutMs = 4000;
        using var producer = KafkaTestClient.CreateProducer(config);
        await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "before"u8.ToArray() });
        var before = await ScrapeAsync(leader);

        paused.Pause();
        try
        {
            await Eventually.HoldsAsync(async () => !(await IsrOfAsync(topic, 0)).Contains(paused.NodeId),
                $"node {paused.NodeId} did not leave the ISR after replica.lag.time.max.ms", TimeSpan.FromMilliseconds(ReplicationClusterFixture.LagTimeMaxMs * 5));
            // The leader counts the shrink it asked for (Kafka's IsrShrinksPerSec) and reports the partition under-replicated.
            var shrunk = await ScrapeAsync(leader);
            Assert.True(shrunk.Value("kafka_server_replicamanager_isrshrinks_total") > before.Value("kafka_server_replicamanager_isrshrinks_total"), "no ISR shrink counted");
            Assert.True(shrunk.Value("kafka_server_replicamanager_underreplicatedpartitions") >= 1);
            Assert.True(shrunk.Value("kafka_server_replicamanager_underminisrpartitioncount") >= 1);
            var refused = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(
                () => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "refused"u8.ToArray() }));
            Assert.True(refused.Error.Code is ErrorCode.NotEnoughReplicas or ErrorCode.Local_MsgTimedOut, refused.Error.ToString());
        }
        finally
        {
            paused.Resume();
        }

        await Eventually.HoldsAsync(async () => (await IsrOfAsync(topic, 0)).Contains(paused.NodeId), $"node {paused.NodeId} did not rejoin the ISR", Patience);
        var after = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "after"u8.ToArray() });
        Assert.Equal(PersistenceStatus.Persisted, after.Status);
        Assert.True((await ScrapeAsync(leader)).Value("kafka_server_replicamanager_isrexpands_total") > before.Value("kafka_server_replicamanager_isrexpands_total"),
            "no ISR expansion counted");
    }

    [Fact]
    public async Task TheGroupCoordinatorReportsLagOfPartitionsLedByOtherBrokers()
    {
        // Two partitions on each broker, RF=1: four of the six are led by brokers other than the group's coordinator.
        // Their batches (about 200 KB each) are bigger than what the coordinator's shared Fetch asks per partition, so
        // the second partition of each remote leader needs the fetch of its own.
        var topic = KafkaTestClient.UniqueTopic("lag3");
        using (var admin = KafkaTestClient.CreateAdmin(Bootstrap))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic,
                NumPartitions = LagPartitions,
                ReplicationFactor = -1,
                ReplicasAssignments = Enumerable.Range(0, LagPartitions).ToDictionary(p => p, p => new List<int> { p / 2 + 1 }),
            }]);
            await KafkaTestClient.WaitForTopicAsync(admin, topic, LagPartitions);
        }
        var producerConfig = KafkaTestClient.ProducerConfig(Bootstrap);
        producerConfig.LingerMs = 200;
        using (var producer = KafkaTestClient.CreateProducer(producerConfig))
        {
            for (var p = 0; p < LagPartitions; p++)
                for (var i = 0; i < 100; i++) producer.Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?> { Value = new byte[2000] });
            Assert.Equal(0, producer.Flush(Patience));
        }
        await Task.Delay(1500); // so the oldest unconsumed record is at least a second old when scraped
        var group = $"lag-{Guid.NewGuid():N}";
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.GroupId = group;
        config.EnableAutoCommit = false;
        using (var consumer = KafkaTestClient.CreateConsumer(config))
            consumer.Commit([.. Enumerable.Range(0, LagPartitions).Select(p => new TopicPartitionOffset(topic, p, 40))]);

        int coordinator;
        using (var admin = KafkaTestClient.CreateAdmin(Bootstrap))
            coordinator = Assert.Single((await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions).Coordinator.Id;

        ScrapedMetrics metrics = null!;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                metrics = await ScrapeAsync(coordinator);
                return Enumerable.Range(0, LagPartitions).All(p => metrics.Value("kafka_consumergroup_group_lag", ("group", group), ("topic", topic), ("partition", $"{p}")) == 60)
                    && Enumerable.Range(0, LagPartitions).All(p => metrics.Value("kafka_consumergroup_group_lag_seconds", ("group", group), ("topic", topic), ("partition", $"{p}")) >= 1);
            }, $"broker {coordinator} did not report a lag of 60 (and seconds) on all six partitions", Patience);
        }
        catch (TimeoutException)
        {
            _output.WriteLine("--- last scrape (lag) ---\n" + string.Join('\n', metrics?.Text.Split('\n').Where(l => l.Contains(group, StringComparison.Ordinal)) ?? []));
            throw;
        }
        Assert.Equal(60 * LagPartitions, metrics.Value("kafka_consumergroup_group_sum_lag", ("group", group)));
        Assert.All(Enumerable.Range(0, LagPartitions), p => Assert.True(
            metrics.Value("kafka_consumergroup_group_lag_seconds", ("group", group), ("topic", topic), ("partition", $"{p}")) < 120));
        Assert.Equal(60, metrics.Value("kafka_consumergroup_group_max_lag", ("group", group)));
        // The others do not coordinate the group, so they report nothing for it.
        foreach (var other in _cluster.Nodes.Where(n => n.NodeId != coordinator))
            Assert.DoesNotContain(group, (await ScrapeAsync(other.NodeId)).Text, StringComparison.Ordinal);
    }

    private const int LagPartitions = 6;

    private Task<ScrapedMetrics> ScrapeAsync(int nodeId) => ScrapedMetrics.ScrapeAsync(_fixture.AdminPorts[nodeId - 1]);

    [Fact]
    public async Task TheQuorumElectsANewControllerWhenTheActiveOneDiesAndTopicsCanStillBeCreated()
    {
        var (controller, epoch) = await QuorumLeaderAsync();
        var victim = _cluster.Node(controller);
        victim.Kill();
        try
        {
            var clock = Stopwatch.StartNew();
            (int Leader, int Epoch) next = (-1, -1);
            await Eventually.HoldsAsync(async () =>
            {
                next = await QuorumLeaderAsync(exclude: controller);
                return next.Leader >= 0 && next.Leader != controller && next.Epoch > epoch;
            }, "no new active controller was elected", Patience);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"election took {clock.Elapsed}");

            var survivors = string.Join(',', _cluster.Nodes.Where(n => n.NodeId != controller).Select(n => n.BootstrapServers));
            var topic = KafkaTestClient.UniqueTopic("after-failover");
            using var admin = KafkaTestClient.CreateAdmin(survivors);
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = 2 }]);
            await KafkaTestClient.WaitForTopicAsync(admin, topic, 2);
        }
        finally
        {
            await victim.RestartAsync();
        }
        // The old controller comes back as a follower of the new epoch.
        await Eventually.HoldsAsync(async () =>
        {
            var info = await DescribeQuorumAsync(victim);
            return info is { } p && p.LeaderId != controller && p.LeaderEpoch > epoch;
        }, "the restarted controller did not rejoin the quorum", Patience);
    }

    [Fact]
    public async Task DescribeQuorumReportsTheVotersAndTheirProgress()
    {
        var info = await DescribeQuorumAsync(_cluster.Nodes[0]) ?? throw new InvalidOperationException("no DescribeQuorum answer");
        Assert.True(info.LeaderId >= 1);
        Assert.Equal([1, 2, 3], info.CurrentVoters.Select(v => v.ReplicaId).Order());
        Assert.All(info.CurrentVoters, v => Assert.True(v.LogEndOffset > 0, $"voter {v.ReplicaId} has log end {v.LogEndOffset}"));
        Assert.True(info.HighWatermark > 0);
    }

    [Fact]
    public async Task DescribeClusterOnAControllerListenerNamesTheActiveControllerAndTheVoters()
    {
        var leader = -1;
        await Eventually.HoldsAsync(async () => (leader = (await QuorumLeaderAsync()).Leader) >= 1, "no quorum leader", Patience);
        foreach (var node in _cluster.Nodes)
        {
            using var controller = await node.ConnectAsync(ClusterListener.Controller);
            var described = await controller.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
                new DescribeClusterRequest { EndpointType = DescribeClusterRequest.EndpointTypeControllers }, 1);
            Assert.Equal(0, described.ErrorCode);
            Assert.Equal(DescribeClusterRequest.EndpointTypeControllers, described.EndpointType);
            Assert.Equal(_cluster.ClusterId, described.ClusterId);
            Assert.Equal(leader, described.ControllerId);
            Assert.Equal(_cluster.Nodes.Select(n => n.NodeId).Order(), described.Brokers.Select(b => b.BrokerId).Order());
            Assert.All(described.Brokers, b => Assert.Equal(_cluster.Nodes.Single(n => n.NodeId == b.BrokerId).ControllerPort, b.Port));

            // The wrong kind of endpoint for the listener, and a kind that does not exist (KIP-919).
            var asBroker = await controller.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(new DescribeClusterRequest(), 1);
            Assert.Equal(BrookError.MismatchedEndpointType, (BrookError)asBroker.ErrorCode);
            Assert.Empty(asBroker.Brokers);
            var unknown = await controller.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 7 }, 1);
            Assert.Equal(BrookError.UnsupportedEndpointType, (BrookError)unknown.ErrorCode);

            using var broker = await node.ConnectAsync(ClusterListener.Client);
            var brokers = await broker.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(new DescribeClusterRequest(), 1);
            Assert.Equal(0, brokers.ErrorCode);
            Assert.Equal(3, brokers.Brokers.Count);
            Assert.All(brokers.Brokers, b => Assert.Equal(_cluster.Nodes.Single(n => n.NodeId == b.BrokerId).ClientPort, b.Port));
            var asController = await broker.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
                new DescribeClusterRequest { EndpointType = DescribeClusterRequest.EndpointTypeControllers }, 1);
            Assert.Equal(BrookError.MismatchedEndpointType, (BrookError)asController.ErrorCode);
        }
    }

    [Fact]
    public async Task ATransactionOverPartitionsLedByEveryBrokerCommitsAtomicallyAndGroupsWork()
    {
        var topic = KafkaTestClient.UniqueTopic("txn3");
        await CreateTopicAsync(topic, partitions: 3, minIsr: 2);
        var leaders = new HashSet<int>();
        for (var p = 0; p < 3; p++) leaders.Add((await LeaderOfAsync(topic, p)).Leader);
        Assert.Equal(3, leaders.Count); // each broker leads one partition: the markers go to all three

        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.TransactionalId = $"tx-{Guid.NewGuid():N}";
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            producer.InitTransactions(Patience);
            producer.BeginTransaction();
            for (var i = 0; i < 30; i++)
                producer.Produce(new TopicPartition(topic, i % 3), new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"c{i}") });
            producer.CommitTransaction(Patience);
            producer.BeginTransaction();
            for (var i = 0; i < 30; i++)
                producer.Produce(new TopicPartition(topic, i % 3), new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"a{i}") });
            // Aborting while librdkafka's AddPartitionsToTxn is still unanswered (it gets CONCURRENT_TRANSACTIONS until
            // the previous commit's markers are written) makes its EndTxn race the registration and fail with
            // INVALID_TXN_STATE against any broker (librdkafka #4849). Waiting for delivery avoids the race, and puts
            // the aborted records in every log, so read_committed must actually skip them.
            Assert.Equal(0, producer.Flush(Patience));
            producer.AbortTransaction(Patience);
        }

        // A group reads the committed transaction only, through whichever broker coordinates it, and commits offsets.
        var consumerConfig = KafkaTestClient.ConsumerConfig(Bootstrap);
        consumerConfig.GroupId = $"g-{Guid.NewGuid():N}";
        consumerConfig.IsolationLevel = IsolationLevel.ReadCommitted;
        consumerConfig.AutoOffsetReset = AutoOffsetReset.Earliest;
        consumerConfig.EnableAutoCommit = false;
        var seen = new List<string>();
        using (var consumer = KafkaTestClient.CreateConsumer(consumerConfig))
        {
            consumer.Subscribe(topic);
            var clock = Stopwatch.StartNew();
            while (seen.Count < 30 && clock.Elapsed < Patience)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is { IsPartitionEOF: false }) seen.Add(System.Text.Encoding.UTF8.GetString(r.Message.Value!));
            }
            consumer.Commit(consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))));
            consumer.Close();
        }
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"c{i}").Order(), seen.Order());
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var committed = Assert.Single(await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(consumerConfig.GroupId, null)])).Partitions;
        Assert.Equal(3, committed.Count(p => p.Topic == topic && p.Offset.Value > 0));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private async Task CreateTopicAsync(string topic, int partitions, int minIsr)
    {
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic, NumPartitions = partitions, ReplicationFactor = 3,
            Configs = new Dictionary<string, string> { ["min.insync.replicas"] = minIsr.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }]);
        await KafkaTestClient.WaitForTopicAsync(admin, topic, partitions);
        // Every node applies the new partitions from the metadata log; wait until each one knows its leader.
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
            {
                using var client = await node.ConnectAsync(ClusterListener.Client);
                var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(
                    new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, 12);
                var t = Assert.Single(metadata.Topics);
                if (t.ErrorCode != 0 || t.Partitions.Count != partitions || t.Partitions.Any(p => p.LeaderId < 0 || p.IsrNodes.Count < 3)) return false;
            }
            return true;
        }, $"{topic} did not reach every node", Patience);
    }

    private async Task<(int Leader, int Epoch)> LeaderOfAsync(string topic, int partition)
    {
        using var client = await _cluster.Nodes.First(n => n.IsRunning && !n.IsPaused).ConnectAsync(ClusterListener.Client);
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(
            new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, 12);
        var p = Assert.Single(metadata.Topics).Partitions.Single(x => x.PartitionIndex == partition);
        return (p.LeaderId, p.LeaderEpoch);
    }

    private async Task<IReadOnlyList<int>> IsrOfAsync(string topic, int partition)
    {
        var node = _cluster.Nodes.First(n => n.IsRunning && !n.IsPaused);
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(
            new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, 12);
        return Assert.Single(metadata.Topics).Partitions.Single(x => x.PartitionIndex == partition).IsrNodes;
    }

    private async Task<int> ActiveControllerAsync() => (await QuorumLeaderAsync()).Leader;

    private async Task<(int Leader, int Epoch)> QuorumLeaderAsync(int exclude = -1)
    {
        foreach (var node in _cluster.Nodes.Where(n => n.NodeId != exclude && n.IsRunning))
        {
            if (await DescribeQuorumAsync(node) is { LeaderId: >= 0 } p) return (p.LeaderId, p.LeaderEpoch);
        }
        return (-1, -1);
    }

    private static async Task<DescribeQuorumResponse.PartitionData?> DescribeQuorumAsync(ClusterNode node)
    {
        try
        {
            using var client = await node.ConnectAsync(ClusterListener.Controller);
            var response = await client.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
            {
                Topics = [new() { TopicName = "__cluster_metadata", Partitions = [new() { PartitionIndex = 0 }] }],
            }, 2, TimeSpan.FromSeconds(5));
            return response.ErrorCode == 0 ? response.Topics.SelectMany(t => t.Partitions).FirstOrDefault() : null;
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private static byte[] SegmentBytes(ClusterNode node, string topic, int partition)
    {
        var dir = Path.Combine(node.DataDirectory, $"{topic}-{partition}");
        var file = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.log").Order().FirstOrDefault() : null;
        if (file is null) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
