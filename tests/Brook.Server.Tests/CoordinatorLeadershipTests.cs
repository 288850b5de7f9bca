using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Coordination.Transactions;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Replication;
using Brook.Server.Internal;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Server.Tests;

/// <summary>
/// The coordinators follow leadership of their internal topics' partitions on a real replica manager and metadata log:
/// a partition is loaded when this broker becomes its leader, unloaded (NOT_COORDINATOR) when another broker does,
/// and loaded again — with the new coordinator epoch — when leadership comes back in a newer epoch. Leadership is moved
/// by appending partition records to the metadata log, as the controller does.
/// </summary>
public sealed class CoordinatorLeadershipTests : IDisposable
{
    private const int Local = 1;
    private const int Other = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-coordinator-leadership", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// Broker 1's state as <see cref="BrokerLifecycle"/> wires it: metadata log → view → replica manager, the two
    /// coordinators on their internal topics, following leadership from the start.
    /// </summary>
    private sealed class Node : IDisposable
    {
        private readonly MetadataLog _metadataLog;
        private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);
        private readonly Dictionary<(string Topic, int Partition), int> _partitionEpochs = [];

        public MetadataView View { get; } = new();
        public ClusterController Controller { get; }
        public ReplicaManager Replicas { get; }
        public GroupCoordinatorHost Groups { get; }
        public TransactionCoordinatorHost Transactions { get; }

        private Node(string dir, BrokerConfig config)
        {
            _metadataLog = new MetadataLog(Path.Combine(dir, "metadata"), nodeId: Local);
            Controller = new ClusterController(_metadataLog, View, new ClusterControllerOptions(), new TopicConfigValidator(),
                NullLogger<ClusterController>.Instance);
            Replicas = new ReplicaManager(Path.Combine(dir, "logs"), Local,
                topic => new PartitionSettings(new LogConfig(), 1_000_000, LogAppendTime: false, Compacted: topic.Name.StartsWith("__", StringComparison.Ordinal)),
                _flusher, NullLoggerFactory.Instance, TimeProvider.System, flushOnAck: false);
            var writeTimeout = TimeSpan.FromSeconds(5);
            var groupCoordinator = new GroupCoordinator(GroupCoordinatorOptions.FromConfig(config),
                new InternalTopicLog(GroupCoordinatorHost.OffsetsTopicName, Replicas, writeTimeout, TimeProvider.System));
            Groups = new GroupCoordinatorHost(groupCoordinator, View, Controller, Replicas, config, NullLogger<GroupCoordinatorHost>.Instance);
            var transactionCoordinator = new TransactionCoordinator(TransactionCoordinatorOptions.FromConfig(config) with { RetryBackoffMs = 20 },
                new InternalTopicLog(TransactionCoordinator.TopicName, Replicas, writeTimeout, TimeProvider.System),
                new ProducerIdSource(new ProducerIdManager(Controller)),
                new LocalTransactionMarkerWriter(Replicas, writeTimeout),
                groupCoordinator);
            Transactions = new TransactionCoordinatorHost(transactionCoordinator, View, Controller, Replicas, config,
                NullLogger<TransactionCoordinatorHost>.Instance);
        }

        public static async Task<Node> StartAsync(string dir, int brokers = 2)
        {
            var config = BrokerConfig.FromProperties(new Dictionary<string, string>
            {
                ["node.id"] = $"{Local}",
                ["offsets.topic.num.partitions"] = "4",
                ["offsets.topic.replication.factor"] = $"{brokers}",
                ["transaction.state.log.num.partitions"] = "2",
                ["transaction.state.log.replication.factor"] = $"{brokers}",
            });
            var node = new Node(dir, config);
            await node._metadataLog.StartAsync(new MetadataLoader(node.View), CancellationToken.None);
            for (var id = 1; id <= brokers; id++)
            {
                // Registered fenced; a caught-up heartbeat unfences each, as broker start-up does.
                var epoch = await node.Controller.RegisterBrokerAsync(id, [new BrokerEndpoint("PLAINTEXT", $"b{id}", 9092, SecurityProtocol.Plaintext)], null, CancellationToken.None);
                await node.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(id, epoch, node.View.Image.Offset, false, false), CancellationToken.None);
            }
            // BrokerLifecycle's order: the replica manager follows the image, then the coordinators follow leadership.
            node.Replicas.Apply(node.View.Image);
            node.View.ImagePublished += node.Replicas.Apply;
            node.Groups.Start();
            node.Transactions.Start();
            return node;
        }

        /// <summary>
        /// The controller's decision that <paramref name="leader"/> leads the partition in <paramref name="leaderEpoch"/>
        /// (ISR: the leader alone unless given); with <paramref name="settle"/>, waits for the loads and unloads it set off.
        /// </summary>
        public async Task SetLeaderAsync(string topic, int partition, int leader, int leaderEpoch, int[]? isr = null, bool settle = true)
        {
            var id = View.Image.TopicsByName[topic].Id;
            var partitionEpoch = _partitionEpochs.GetValueOrDefault((topic, partition), 100) + 1;
            _partitionEpochs[(topic, partition)] = partitionEpoch;
            await _metadataLog.AppendAsync(MetadataLog.LocalEpoch,
                [new PartitionRecord(id, partition, [Local, Other], isr ?? [leader], leader, leaderEpoch, partitionEpoch)], CancellationToken.None);
            if (!settle) return;
            // The image is published (and applied) before the append returns; wait for the transitions it queued.
            await Groups.WhenSettledAsync().WaitAsync(Patience);
            await Transactions.WhenSettledAsync().WaitAsync(Patience);
        }

        public int LeaderOf(string topic, int partition) => View.Image.TopicsByName[topic].Partitions[partition].Leader;

        public void Dispose()
        {
            // BrokerLifecycle's shutdown order.
            View.ImagePublished -= Replicas.Apply;
            Transactions.Stop();
            Groups.Stop();
            Transactions.Coordinator.Dispose();
            Groups.Coordinator.Dispose();
            Replicas.Dispose();
            _metadataLog.Dispose();
            _flusher.Dispose();
        }
    }

    /// <summary>A key (group or transactional id) that lives on <paramref name="partition"/> of the host's topic.</summary>
    private static string KeyOn(CoordinatorTopic host, int partition, string prefix) =>
        Enumerable.Range(0, 1000).Select(i => $"{prefix}-{i}").First(k => host.PartitionFor(k) == partition);

    private static async Task<ErrorCode> CommitAsync(Node node, string group, long offset) =>
        (await node.Groups.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = group, Offsets = [new OffsetCommitEntry("t", 0, offset)] }))[0].Error;

    private static OffsetFetchResult Fetch(Node node, string group) => node.Groups.Coordinator.FetchOffsets(new OffsetFetchArgs(group, null));

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Group_partitions_load_where_led_unload_when_leadership_moves_and_reload_in_a_newer_epoch()
    {
        using var node = await Node.StartAsync(_dir);
        var groups = node.Groups;
        Assert.False(groups.IsReady);
        // FindCoordinator's first use creates the topic; its leaders are spread over both brokers.
        Assert.True(await groups.EnsureReadyAsync(CancellationToken.None));
        for (var p = 0; p < 4; p++)
        {
            var led = node.LeaderOf(GroupCoordinatorHost.OffsetsTopicName, p) == Local;
            Assert.Equal(led ? CoordinatorLoadPhase.Loaded : CoordinatorLoadPhase.NotLeader, groups.StatusOf(p).Phase);
            Assert.Equal(led, groups.Coordinator.IsLoaded(p));
        }

        // Partition 0 led here (the ISR just this broker, so writes commit), partition 1 by the other broker.
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 0, Local, 1);
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 1, Other, 1);
        var mine = KeyOn(groups, 0, "mine");
        var theirs = KeyOn(groups, 1, "theirs");
        Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loaded, 1), groups.StatusOf(0));
        Assert.Equal(Local, groups.CoordinatorFor(mine)!.Id);
        Assert.Equal(Other, groups.CoordinatorFor(theirs)!.Id);
        Assert.Equal(ErrorCode.None, await CommitAsync(node, mine, 42));
        Assert.Equal(ErrorCode.NotCoordinator, await CommitAsync(node, theirs, 7));
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(node, theirs).Error);

        // The other broker takes partition 0 over in epoch 2: unloaded here, clients are sent there.
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 0, Other, 2);
        Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.NotLeader, 2), groups.StatusOf(0));
        Assert.False(groups.Coordinator.IsLoaded(0));
        Assert.Equal(ErrorCode.NotCoordinator, Fetch(node, mine).Error);
        Assert.Equal(ErrorCode.NotCoordinator, await CommitAsync(node, mine, 43));
        Assert.Equal(Other, groups.CoordinatorFor(mine)!.Id);

        // Back here in epoch 3: reloaded from the log, with the new coordinator epoch.
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 0, Local, 3);
        Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loaded, 3), groups.StatusOf(0));
        Assert.Equal(3, groups.Coordinator.CoordinatorEpochOf(0));
        Assert.Equal(42, Fetch(node, mine).Offsets.Single().Offset);

        // And partition 1 becomes this broker's in epoch 2.
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 1, Local, 2);
        Assert.Equal(ErrorCode.None, Fetch(node, theirs).Error);
        Assert.Equal(ErrorCode.None, await CommitAsync(node, theirs, 7));
    }

    [Fact]
    public async Task A_new_leader_whose_high_watermark_lags_stays_loading_until_it_covers_the_replayed_log()
    {
        using var node = await Node.StartAsync(_dir);
        var groups = node.Groups;
        Assert.True(await groups.EnsureReadyAsync(CancellationToken.None));
        var group = KeyOn(groups, 0, "g");
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 0, Local, 1, isr: [Local, Other]);
        Assert.True(node.Replicas.TryGetPartition(new TopicPartition(GroupCoordinatorHost.OffsetsTopicName, 0), out var partition));

        // A commit reaches the log but not the high watermark: the follower has not fetched it yet.
        var commit = node.Groups.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = group, Offsets = [new OffsetCommitEntry("t", 0, 42)] });
        var logEnd = partition.Log.LogEndOffset;
        Assert.True(partition.HighWatermark < logEnd);

        // A new leader epoch (this broker again): the waiting commit learns its epoch ended, and the reload replays the
        // whole log but opens the partition only once the high watermark shows all of it committed.
        await node.SetLeaderAsync(GroupCoordinatorHost.OffsetsTopicName, 0, Local, 2, isr: [Local, Other], settle: false);
        Assert.Equal(ErrorCode.NotCoordinator, (await commit.AsTask().WaitAsync(Patience))[0].Error);
        await EventuallyAsync(() => groups.StatusOf(0) == new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loading, 2), "the load to start");
        await Task.Delay(100);
        Assert.Equal(CoordinatorLoadPhase.Loading, groups.StatusOf(0).Phase);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, Fetch(node, group).Error);

        partition.RecordFollowerFetch(Other, logEnd, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await groups.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loaded, 2), groups.StatusOf(0));
        Assert.Equal(42, Fetch(node, group).Offsets.Single().Offset);
    }

    [Fact]
    public async Task A_regained_transaction_partition_completes_its_prepared_transaction_with_markers_of_the_new_epoch()
    {
        using var node = await Node.StartAsync(_dir);
        var transactions = node.Transactions;
        Assert.True(await transactions.EnsureReadyAsync(CancellationToken.None));
        await node.Controller.CreateTopicsAsync([new CreateTopicSpec("t", 1, 1)], validateOnly: false, CancellationToken.None);
        await node.SetLeaderAsync("t", 0, Local, 1);
        var id = KeyOn(transactions, 0, "tx");
        await node.SetLeaderAsync(TransactionCoordinator.TopicName, 0, Local, 1);
        var coordinator = transactions.Coordinator;
        var t0 = new TopicPartition("t", 0);
        Assert.True(node.Replicas.TryGetPartition(t0, out var data));

        var producer = await coordinator.InitProducerIdAsync(new InitProducerIdArgs(id, 60_000, -1, -1));
        Assert.Equal(ErrorCode.None, producer.Error);
        Assert.Equal(ErrorCode.None, await coordinator.AddPartitionsToTxnAsync(new AddPartitionsToTxnArgs(id, producer.ProducerId, producer.ProducerEpoch, [t0])));

        // t-0 moves to the other broker, so the markers of the commit cannot land yet and the transaction stays prepared.
        await node.SetLeaderAsync("t", 0, Other, 2);
        Assert.Equal(ErrorCode.None, await coordinator.EndTxnAsync(new EndTxnArgs(id, producer.ProducerId, producer.ProducerEpoch, Commit: true)));
        Assert.Equal("PrepareCommit", coordinator.DescribeTransactions([id])[0].State);

        // Then the transaction's own partition moves away: unloaded, the marker retries stop.
        await node.SetLeaderAsync(TransactionCoordinator.TopicName, 0, Other, 2);
        Assert.Equal(ErrorCode.NotCoordinator, coordinator.DescribeTransactions([id])[0].Error);
        await Task.Delay(200);

        // Both come back, __transaction_state-0 in epoch 3: the load finds the prepared commit and finishes it, its
        // marker carrying coordinator epoch 3.
        await node.SetLeaderAsync("t", 0, Local, 3);
        await node.SetLeaderAsync(TransactionCoordinator.TopicName, 0, Local, 3);
        Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loaded, 3), transactions.StatusOf(0));
        Assert.Equal(3, coordinator.CoordinatorEpochOf(0));
        await EventuallyAsync(() => coordinator.DescribeTransactions([id])[0].State == "CompleteCommit", "the commit to complete");
        Assert.True(data.Log.ProducerState.TryGetCoordinatorEpoch(producer.ProducerId, out var markerEpoch));
        Assert.Equal(3, markerEpoch);
    }

    [Fact]
    public async Task A_single_broker_leads_everything_serves_at_once_after_creating_the_topics_and_reloads_after_a_restart()
    {
        string group;
        using (var node = await Node.StartAsync(_dir, brokers: 1))
        {
            // No LOAD_IN_PROGRESS after the first FindCoordinator: the new (empty) partitions are loaded by then.
            Assert.True(await node.Groups.EnsureReadyAsync(CancellationToken.None));
            Assert.True(await node.Transactions.EnsureReadyAsync(CancellationToken.None));
            for (var p = 0; p < 4; p++) Assert.Equal(new CoordinatorPartitionStatus(CoordinatorLoadPhase.Loaded, 0), node.Groups.StatusOf(p));
            for (var p = 0; p < 2; p++) Assert.True(node.Transactions.Coordinator.IsLoaded(p));
            group = KeyOn(node.Groups, 3, "g");
            Assert.Equal(ErrorCode.None, await CommitAsync(node, group, 42));
            Assert.Equal(ErrorCode.None, (await node.Transactions.Coordinator.InitProducerIdAsync(new InitProducerIdArgs("tx", 60_000, -1, -1))).Error);
        }

        using var restarted = await Node.StartAsync(_dir, brokers: 1);
        Assert.True(restarted.Groups.IsReady);
        await restarted.Groups.WhenSettledAsync().WaitAsync(Patience);
        await restarted.Transactions.WhenSettledAsync().WaitAsync(Patience);
        for (var p = 0; p < 4; p++) Assert.True(restarted.Groups.Coordinator.IsLoaded(p));
        Assert.Equal(42, Fetch(restarted, group).Offsets.Single().Offset);
        Assert.Equal("Empty", restarted.Transactions.Coordinator.DescribeTransactions(["tx"])[0].State);
    }
}
