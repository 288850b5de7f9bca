using System.Diagnostics;
using System.Globalization;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Three combined nodes whose internal topics are replicated three ways (offsets and transaction state survive the
/// loss of their leader) and whose controller fences a dead broker quickly (3 s session), shared by the class.
/// </summary>
public sealed class CoordinatorFailoverClusterFixture : ClusterFixture
{
    /// <summary>broker.session.timeout.ms: how long a SIGKILLed broker stays leader of its partitions.</summary>
    public const int BrokerSessionTimeoutMs = 3000;

    protected override string Name => "coordfail";

    protected override ClusterOptions Options => new()
    {
        ReadyOn = ClusterListener.Client,
        Overrides =
        [
            new("broker.session.timeout.ms", BrokerSessionTimeoutMs.ToString(CultureInfo.InvariantCulture)),
            new("broker.heartbeat.interval.ms", "500"),
            new("replica.lag.time.max.ms", "3000"),
            new("group.initial.rebalance.delay.ms", "0"),
            new("offsets.topic.num.partitions", "3"),
            new("offsets.topic.replication.factor", "3"),
            new("transaction.state.log.num.partitions", "3"),
            new("transaction.state.log.replication.factor", "3"),
            new("transaction.state.log.min.isr", "2"),
        ],
    };
}

/// <summary>
/// Fail-over of what the cluster coordinates rather than stores: the group coordinator (classic and KIP-848 groups),
/// the transaction coordinator between EndTxn and its markers, and the active controller while it creates a topic.
/// Each victim is SIGKILLed (no controlled shutdown, no flush) and restarted at the end, so the next test finds three
/// healthy nodes again.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterCoordinatorFailoverTests : IClassFixture<CoordinatorFailoverClusterFixture>, IDisposable
{
    private const int Partitions = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a group may take to settle after its coordinator died: the broker session (the dead node keeps leading
    /// its partitions of __consumer_offsets until it is fenced), the client's session timeout (a classic member may have
    /// to rejoin), and a margin for a loaded 2-core machine.
    /// </summary>
    private static readonly TimeSpan SettleDeadline =
        TimeSpan.FromMilliseconds(CoordinatorFailoverClusterFixture.BrokerSessionTimeoutMs + ClassicSessionTimeoutMs) + TimeSpan.FromSeconds(25);

    private const int ClassicSessionTimeoutMs = 6000;

    private readonly ClusterProcess _cluster;
    private readonly ClusterLogReporter _logs;
    private readonly ITestOutputHelper _output;

    public ClusterCoordinatorFailoverTests(CoordinatorFailoverClusterFixture fixture, ITestOutputHelper output)
    {
        _cluster = fixture.Cluster;
        _output = output;
        _logs = new ClusterLogReporter(_cluster, output);
    }

    public void Dispose() => _logs.Dispose();

    private string Bootstrap => _cluster.BootstrapServers;

    /// <summary>
    /// Scenario 7: two Confluent.Kafka consumers of one group consume and commit; the node coordinating the group is
    /// SIGKILLed. Every offset acknowledged before the kill is still committed when the new coordinator answers, the
    /// group settles there (all partitions assigned, both members busy) and consumption goes on: every record produced
    /// before and after the kill is consumed and its offset committed through the new coordinator.
    /// </summary>
    [Theory]
    [InlineData("classic")]
    [InlineData("consumer")]
    public async Task KillingTheGroupCoordinatorKeepsCommittedOffsetsAndTheGroupSettlesOnTheNewOne(string protocol)
    {
        await RestoreAsync();
        var topic = KafkaTestClient.UniqueTopic($"cg-{protocol}");
        await CreateTopicAsync(topic, Partitions);
        var group = $"g-{protocol}-{Guid.NewGuid():N}";
        var coordinator = -1;
        await Eventually.HoldsAsync(async () => (coordinator = await ClusterProbe.CoordinatorAsync(_cluster, group, FindCoordinatorRequest.KeyTypeGroup)) >= 0,
            $"no node coordinates {group}", Patience);
        // The offsets must be on three replicas before the kill, or losing one could lose them legitimately.
        await ClusterProbe.WaitForTopicEverywhereAsync(_cluster, "__consumer_offsets", 3, isr: 3, Patience);
        var offsetsTopic = await ClusterProbe.TopicAsync(_cluster.Nodes[0], "__consumer_offsets");
        Assert.All(offsetsTopic!.Partitions, p => Assert.Equal(3, p.ReplicaNodes.Count));

        var produced = new HashSet<string>();
        produced.UnionWith(await ProduceAsync(topic, "before", 300));
        var consumers = new[] { NewGroupConsumer(group, protocol, "m1"), NewGroupConsumer(group, protocol, "m2") };
        var group1 = new GroupProgress(consumers);
        var victim = _cluster.Node(coordinator);
        try
        {
            foreach (var c in consumers) c.Subscribe(topic);
            var ends = EndOffsets(topic);
            group1.PollUntil(() => group1.IsSettled(Partitions) && produced.IsSubsetOf(group1.Seen) && group1.HasCommitted(ends),
                "the group to consume and commit everything before the kill", TimeSpan.FromSeconds(60));
            var committedBeforeKill = new Dictionary<int, long>(group1.Acked);
            _output.WriteLine($"coordinator {coordinator}; acknowledged before the kill: {Describe(committedBeforeKill)}");

            var clock = Stopwatch.StartNew();
            victim.Kill();
            group1.ForgetAcknowledgements();
            var survivors = string.Join(',', _cluster.Nodes.Where(n => n.IsRunning).Select(n => n.BootstrapServers));
            // Records produced during the fail-over (partitions the victim led move after its session expires).
            var during = Task.Run(() => ProduceAsync(topic, "after", 300, survivors));

            var newCoordinator = -1;
            await Eventually.HoldsAsync(async () =>
                (newCoordinator = await ClusterProbe.CoordinatorAsync(_cluster, group, FindCoordinatorRequest.KeyTypeGroup)) >= 0 && newCoordinator != coordinator,
                "no other node took over the group", SettleDeadline);
            _output.WriteLine($"node {newCoordinator} coordinates the group {clock.ElapsedMilliseconds} ms after the kill");

            // What was acknowledged before the kill is there on the new coordinator (or higher: members go on committing).
            var survived = await CommittedOffsetsAsync(survivors, group, topic);
            foreach (var (partition, offset) in committedBeforeKill)
                Assert.True(survived.TryGetValue(partition, out var now) && now >= offset,
                    $"partition {partition}: committed {offset} before the kill, the new coordinator has {(survived.TryGetValue(partition, out var n) ? n : -1)}");

            produced.UnionWith(await during);
            ends = EndOffsets(topic, survivors);
            group1.PollUntil(() => group1.IsSettled(Partitions) && produced.IsSubsetOf(group1.Seen) && group1.HasCommitted(ends),
                "the group to settle on the new coordinator, consume everything and commit it", SettleDeadline);
            _output.WriteLine($"settled, consumed and committed everything {clock.ElapsedMilliseconds} ms after the kill; " +
                $"{group1.CommitFailures} commits failed on the way ({string.Join(", ", group1.FailureKinds)})");

            var final = await CommittedOffsetsAsync(survivors, group, topic);
            Assert.Equal(ends, final);
            Assert.Empty(group1.Seen.Except(produced));
        }
        finally
        {
            foreach (var c in consumers)
            {
                try
                {
                    c.Close();
                }
                catch (KafkaException)
                {
                    // leaving a group whose coordinator is gone may fail; the test's verdict is already made
                }
                c.Dispose();
            }
            if (!victim.IsRunning) await victim.RestartAsync();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Brings back any node a previous test left dead or paused and waits until every node lists all three brokers:
    /// each test starts from a whole cluster.
    /// </summary>
    private async Task RestoreAsync()
    {
        foreach (var node in _cluster.Nodes)
        {
            if (node.IsPaused) node.Resume();
            if (!node.IsRunning) await node.RestartAsync();
        }
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
            {
                using var client = await node.ConnectAsync(ClusterListener.Client);
                var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, 12);
                if (metadata.Brokers.Count != _cluster.Nodes.Count) return false;
            }
            return true;
        }, "the cluster did not list every broker again", TimeSpan.FromSeconds(60));
    }

    private async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic, NumPartitions = partitions, ReplicationFactor = 3,
            Configs = new Dictionary<string, string> { ["min.insync.replicas"] = "2" },
        }]);
        await ClusterProbe.WaitForTopicEverywhereAsync(_cluster, topic, partitions, isr: 3, Patience);
    }

    /// <summary>Produces <paramref name="count"/> records round-robin over the partitions, idempotent acks=all; returns their values.</summary>
    private async Task<List<string>> ProduceAsync(string topic, string tag, int count, string? bootstrap = null)
    {
        var config = KafkaTestClient.ProducerConfig(bootstrap ?? Bootstrap);
        config.EnableIdempotence = true;
        config.MessageTimeoutMs = 60_000;
        using var producer = KafkaTestClient.CreateProducer(config);
        var values = Enumerable.Range(0, count).Select(i => $"{tag}-{i}").ToList();
        var sends = values.Select((v, i) => producer.ProduceAsync(new TopicPartition(topic, i % Partitions),
            new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(v) })).ToList();
        var results = await Task.WhenAll(sends);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        return values;
    }

    /// <summary>High watermark of every partition of <paramref name="topic"/>.</summary>
    private Dictionary<int, long> EndOffsets(string topic, string? bootstrap = null)
    {
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(bootstrap ?? Bootstrap));
        var ends = new Dictionary<int, long>();
        foreach (var tp in KafkaTestClient.Partitions(topic, Partitions))
            ends[tp.Partition.Value] = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(15)).High.Value;
        consumer.Close();
        return ends;
    }

    /// <summary>
    /// The group's committed offsets for <paramref name="topic"/> through AdminClient ListConsumerGroupOffsets, asked
    /// again while the coordinator is still loading or moving (those errors are retriable).
    /// </summary>
    private static async Task<Dictionary<int, long>> CommittedOffsetsAsync(string bootstrap, string group, string topic)
    {
        using var admin = KafkaTestClient.CreateAdmin(bootstrap);
        Dictionary<int, long>? result = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                var listed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)],
                    new ListConsumerGroupOffsetsOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
                result = Assert.Single(listed).Partitions.Where(p => p.Topic == topic && p.Offset.Value >= 0)
                    .ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
                return true;
            }
            catch (KafkaException)
            {
                return false; // COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, timeouts while the group moves
            }
        }, $"ListConsumerGroupOffsets for {group} kept failing", Patience);
        return result!;
    }

    private IConsumer<byte[]?, byte[]?> NewGroupConsumer(string group, string protocol, string name)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = group,
            ClientId = name,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = false,
            FetchWaitMaxMs = 100,
            SocketTimeoutMs = 10_000,
            TopicMetadataRefreshIntervalMs = 2000,
        };
        if (protocol == "consumer")
        {
            // KIP-848: session and heartbeat are the broker's business; librdkafka refuses the classic settings.
            config.GroupProtocol = GroupProtocol.Consumer;
        }
        else
        {
            config.GroupProtocol = GroupProtocol.Classic;
            config.SessionTimeoutMs = ClassicSessionTimeoutMs;
            config.HeartbeatIntervalMs = 1000;
        }
        return new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    private static string Describe(IReadOnlyDictionary<int, long> offsets) =>
        string.Join(", ", offsets.OrderBy(kv => kv.Key).Select(kv => $"p{kv.Key}={kv.Value}"));

    /// <summary>
    /// Drives a group's consumers from the test thread (one poll each in turn) and commits what each consumed, about
    /// every 200 ms, for the partitions it is assigned at that moment: the acknowledged commits are what must survive.
    /// </summary>
    private sealed class GroupProgress(IReadOnlyList<IConsumer<byte[]?, byte[]?>> consumers)
    {
        private readonly Dictionary<string, Dictionary<int, long>> _pending = consumers.ToDictionary(c => c.Name, _ => new Dictionary<int, long>());
        private readonly Stopwatch _sinceCommit = Stopwatch.StartNew();

        /// <summary>Values of every record consumed (duplicates after a fail-over are allowed: at-least-once).</summary>
        public HashSet<string> Seen { get; } = [];

        /// <summary>Per partition, the highest offset a commit was acknowledged for (since <see cref="ForgetAcknowledgements"/>).</summary>
        public Dictionary<int, long> Acked { get; } = [];

        public int CommitFailures { get; private set; }

        public HashSet<string> FailureKinds { get; } = [];

        /// <summary>Starts counting acknowledgements afresh, so "committed everything" later means "through the new coordinator".</summary>
        public void ForgetAcknowledgements() => Acked.Clear();

        public bool IsSettled(int partitions)
        {
            var assignments = consumers.Select(c => c.Assignment.Select(tp => tp.Partition.Value).ToList()).ToList();
            var all = assignments.SelectMany(a => a).ToList();
            return assignments.All(a => a.Count > 0) && all.Count == partitions && all.Distinct().Count() == partitions;
        }

        public bool HasCommitted(IReadOnlyDictionary<int, long> ends) =>
            ends.All(kv => kv.Value == 0 || Acked.TryGetValue(kv.Key, out var acked) && acked >= kv.Value);

        public void PollUntil(Func<bool> done, string what, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            while (!done())
            {
                if (clock.Elapsed > within)
                    throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0} s; consumed {Seen.Count} distinct; " +
                        $"acknowledged {Describe(Acked)}; assignments: " + string.Join(" | ", consumers.Select(c =>
                            $"{c.Name}: {string.Join(",", c.Assignment.Select(tp => tp.Partition.Value).Order())}")) +
                        $"; commit failures: {string.Join(", ", FailureKinds)}");
                foreach (var consumer in consumers)
                {
                    ConsumeResult<byte[]?, byte[]?>? r;
                    try
                    {
                        r = consumer.Consume(TimeSpan.FromMilliseconds(50));
                    }
                    catch (ConsumeException e) when (!e.Error.IsFatal)
                    {
                        FailureKinds.Add($"consume {e.Error.Code}");
                        continue;
                    }
                    if (r is null || r.IsPartitionEOF) continue;
                    Seen.Add(Encoding.UTF8.GetString(r.Message.Value!));
                    _pending[consumer.Name][r.Partition.Value] = r.Offset.Value + 1;
                }
                if (_sinceCommit.Elapsed > TimeSpan.FromMilliseconds(200))
                {
                    foreach (var consumer in consumers) Commit(consumer);
                    _sinceCommit.Restart();
                }
            }
        }

        private void Commit(IConsumer<byte[]?, byte[]?> consumer)
        {
            var pending = _pending[consumer.Name];
            var assigned = consumer.Assignment.Select(tp => tp.Partition.Value).ToHashSet();
            // Offsets of partitions taken away by a rebalance are dropped: their new owner commits from there on.
            foreach (var gone in pending.Keys.Where(p => !assigned.Contains(p)).ToList()) pending.Remove(gone);
            if (pending.Count == 0) return;
            var topic = consumer.Assignment[0].Topic;
            var offsets = pending.Select(kv => new TopicPartitionOffset(topic, kv.Key, kv.Value)).ToList();
            try
            {
                consumer.Commit(offsets);
                foreach (var o in offsets)
                    Acked[o.Partition.Value] = Math.Max(Acked.GetValueOrDefault(o.Partition.Value, -1), o.Offset.Value);
                pending.Clear();
            }
            catch (KafkaException e)
            {
                // Not acknowledged (coordinator dead, loading, moved; a rebalance): kept pending and retried.
                CommitFailures++;
                FailureKinds.Add(e.Error.Code.ToString());
            }
        }
    }
}
