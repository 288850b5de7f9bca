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
    /// <remarks>
    /// The committed offsets are read through a consumer, not an admin client, while the group moves: see
    /// <see cref="CommittedOffsetsAsync"/> (librdkafka's admin client segfaulted on a NOT_COORDINATOR answer there).
    /// </remarks>
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

    /// <summary>
    /// Scenario 8: a transaction over 30 partitions led by all three brokers, and the transaction coordinator
    /// SIGKILLed in the second phase of the commit.
    /// </summary>
    /// <remarks>
    /// What the kill hits, honestly: EndTxn is answered once PrepareCommit is durable in __transaction_state (three
    /// replicas); the COMMIT markers (one per partition, acks=all on every leader, most of them through WriteTxnMarkers to
    /// the other two brokers) are written afterwards in the background, and CompleteCommit after them. With
    /// <paramref name="killWhileInFlight"/> false the node dies the moment CommitTransaction has returned. Unhindered,
    /// 30 markers were all written within the few milliseconds that takes (seen on this machine), so a third broker is
    /// SIGSTOPped for the commit: its partitions get no marker and the others wait for it to leave their ISR, which
    /// keeps the second phase running when the kill lands; it is resumed right after. The test logs how many partitions
    /// led by the survivors still had their last stable offset below their end just after the kill, i.e. whether the
    /// window was hit on this run. With it true the kill
    /// lands while CommitTransaction is in flight (before or after PrepareCommit, by chance), and the client's retries
    /// meet the new coordinator. Either way: every transaction is visible to read_committed consumers entirely or not at
    /// all, one that CommitTransaction acknowledged is visible, the last stable offset reaches the end of every
    /// partition, and a new producer with the same transactional.id initialises and commits.
    /// </remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KillingTheTransactionCoordinatorDuringTheCommitLeavesEveryTransactionAtomicAndTheIdUsable(bool killWhileInFlight)
    {
        const int TxnPartitions = 30;
        const int PerPartition = 4;
        await RestoreAsync();
        var topic = KafkaTestClient.UniqueTopic("txfail");
        await CreateTopicAsync(topic, TxnPartitions);
        var leaders = new Dictionary<int, int>();
        for (var p = 0; p < TxnPartitions; p++) leaders[p] = (await ClusterProbe.LeaderAsync(_cluster, topic, p)).Leader;
        Assert.Equal(3, leaders.Values.Distinct().Count());

        var transactionalId = $"tx-{Guid.NewGuid():N}";
        var coordinator = -1;
        await Eventually.HoldsAsync(async () =>
            (coordinator = await ClusterProbe.CoordinatorAsync(_cluster, transactionalId, FindCoordinatorRequest.KeyTypeTransaction)) >= 0,
            $"no node coordinates {transactionalId}", Patience);
        await ClusterProbe.WaitForTopicEverywhereAsync(_cluster, "__transaction_state", 3, isr: 3, Patience);
        var victim = _cluster.Node(coordinator);
        var survivors = string.Join(',', _cluster.Nodes.Where(n => n != victim).Select(n => n.BootstrapServers));
        var committed = new List<string>();
        bool? secondCommitted = null;
        try
        {
            using (var producer = KafkaTestClient.CreateProducer(TransactionalConfig(Bootstrap, transactionalId)))
            {
                producer.InitTransactions(Patience);
                committed.AddRange(ProduceTransaction(producer, topic, "t1", TxnPartitions, PerPartition));
                producer.CommitTransaction(Patience);

                var second = ProduceTransaction(producer, topic, "t2", TxnPartitions, PerPartition);
                producer.Flush(Patience); // the records are on the leaders: CommitTransaction goes straight to EndTxn
                var clock = Stopwatch.StartNew();
                if (killWhileInFlight)
                {
                    var commit = Task.Run(() => producer.CommitTransaction(TimeSpan.FromSeconds(60)));
                    await Task.Delay(2);
                    victim.Kill();
                    try
                    {
                        await commit;
                        secondCommitted = true;
                    }
                    catch (KafkaException e)
                    {
                        // Not acknowledged: the outcome is the cluster's to decide; it must still be all or nothing.
                        _output.WriteLine($"CommitTransaction in flight during the kill failed: {e.Error}");
                    }
                    _output.WriteLine($"CommitTransaction ended {clock.ElapsedMilliseconds} ms after it was issued (committed: {secondCommitted})");
                }
                else
                {
                    // Hold the markers back: a paused broker neither takes the markers of the partitions it leads nor
                    // acknowledges the others until it leaves their ISR, so the commit's second phase is still running
                    // when the coordinator dies. It is resumed at once after the kill (the quorum needs it).
                    var (controller, _) = await ClusterProbe.QuorumLeaderAsync(_cluster);
                    var holder = _cluster.Nodes.First(n => n != victim && n.NodeId != controller);
                    holder.Pause();
                    try
                    {
                        producer.CommitTransaction(TimeSpan.FromSeconds(60));
                        victim.Kill();
                    }
                    finally
                    {
                        holder.Resume();
                    }
                    secondCommitted = true;
                    _output.WriteLine($"coordinator {coordinator} killed {clock.ElapsedMilliseconds} ms after CommitTransaction was issued; " +
                        $"partitions led by survivors still without their marker: {UnstablePartitions(survivors, topic, leaders, coordinator)}");
                }
                if (secondCommitted == true) committed.AddRange(second);
            }

            // The last stable offset reaches the end of every partition: nothing is left hanging.
            await Eventually.HoldsAsync(() =>
            {
                try
                {
                    return Unstable(survivors, topic, TxnPartitions).Count == 0;
                }
                catch (KafkaException)
                {
                    return false; // a partition without a reachable leader yet
                }
            },
                "the last stable offset did not reach the high watermark on every partition", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));

            // A new producer with the same transactional.id initialises on the new coordinator and commits.
            using (var producer = KafkaTestClient.CreateProducer(TransactionalConfig(survivors, transactionalId)))
            {
                producer.InitTransactions(TimeSpan.FromSeconds(60));
                committed.AddRange(ProduceTransaction(producer, topic, "t3", TxnPartitions, 1));
                producer.CommitTransaction(Patience);
            }

            var read = ReadCommitted(survivors, topic, TxnPartitions);
            var byTransaction = read.GroupBy(v => v.Split('-')[0]).ToDictionary(g => g.Key, g => g.Count());
            _output.WriteLine($"read_committed sees: {string.Join(", ", byTransaction.Select(kv => $"{kv.Key}={kv.Value}"))}");
            // t2 is either all there or not at all; whatever was acknowledged is there, exactly once.
            Assert.True(byTransaction.GetValueOrDefault("t2") is 0 or TxnPartitions * PerPartition,
                $"transaction t2 is partly visible: {byTransaction.GetValueOrDefault("t2")} of {TxnPartitions * PerPartition} records");
            if (!byTransaction.ContainsKey("t2") || secondCommitted == true)
                Assert.Equal(committed.Order(), read.Order());
            else
                Assert.Equal(committed.Concat(read.Where(v => v.StartsWith("t2-", StringComparison.Ordinal))).Order(), read.Order());
        }
        finally
        {
            if (!victim.IsRunning) await victim.RestartAsync();
        }
    }

    /// <summary>
    /// Scenario 9: the active controller is SIGKILLed while CreateTopics requests are on their way to it (sent to it
    /// directly, or to another broker that forwards them). Each request succeeds or fails with a retriable error (or its
    /// connection drops), the test retries those as a client would, and in the end every topic exists exactly once: one
    /// topic id, the same on every node, with the requested partition count; a new controller is elected within seconds.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KillingTheActiveControllerDuringCreateTopicsNeverCreatesATopicTwice(bool sendToController)
    {
        const int Topics = 6;
        const int TopicPartitions = 4;
        await RestoreAsync();
        var (controller, epoch) = (-1, -1);
        await Eventually.HoldsAsync(async () =>
        {
            (controller, epoch) = await ClusterProbe.QuorumLeaderAsync(_cluster);
            return controller >= 0;
        }, "no active controller", Patience);
        var victim = _cluster.Node(controller);
        var entry = sendToController ? victim : _cluster.Nodes.First(n => n != victim);
        var names = Enumerable.Range(0, Topics).Select(i => KafkaTestClient.UniqueTopic($"ctl{i}")).ToList();
        try
        {
            using var client = await entry.ConnectAsync(ClusterListener.Client);
            var first = names.Select(name => client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(CreateRequest(name, TopicPartitions), 7,
                TimeSpan.FromSeconds(40))).ToList();
            await Task.Delay(3);
            var clock = Stopwatch.StartNew();
            victim.Kill();

            var outcomes = new List<string>();
            var ids = new Dictionary<string, Brook.Common.Uuid>();
            for (var i = 0; i < Topics; i++)
            {
                var name = names[i];
                var attempt = first[i];
                for (var tries = 1; ; tries++)
                {
                    Brook.Common.ErrorCode error;
                    try
                    {
                        var result = Assert.Single((await attempt).Topics);
                        error = (Brook.Common.ErrorCode)result.ErrorCode;
                        if (error == Brook.Common.ErrorCode.None) ids[name] = result.TopicId;
                    }
                    catch (Exception e) when (e is IOException or TimeoutException)
                    {
                        error = Brook.Common.ErrorCode.NetworkException; // connection lost with the node, or no answer: retriable
                    }
                    outcomes.Add($"{name[..4]} try {tries}: {error}");
                    // Kafka's contract: success, a retriable error, or TOPIC_ALREADY_EXISTS for a retry of one that got through.
                    // A forwarding broker retries on its own when the controller dies under the forwarded request (as
                    // Kafka's NodeToControllerChannelManager does on a disconnect), so there the client's first answer can
                    // already be that retry's. Either way the topic exists exactly once, which the checks below assert.
                    var retried = tries > 1 || !sendToController;
                    if (error == Brook.Common.ErrorCode.None || error == Brook.Common.ErrorCode.TopicAlreadyExists && retried) break;
                    Assert.True(error is Brook.Common.ErrorCode.NotController or Brook.Common.ErrorCode.RequestTimedOut
                        or Brook.Common.ErrorCode.NetworkException, $"CreateTopics for {name} failed with {error}, which is not retriable");
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"CreateTopics for {name} kept failing: {string.Join("; ", outcomes)}");
                    await Task.Delay(250);
                    var retryOn = _cluster.Nodes.First(n => n.IsRunning);
                    attempt = SendOnceAsync(retryOn, CreateRequest(name, TopicPartitions));
                }
            }
            _output.WriteLine($"entry node {entry.NodeId}, controller {controller}: {string.Join("; ", outcomes)}");

            (int Leader, int Epoch) next = (-1, -1);
            await Eventually.HoldsAsync(async () => (next = await ClusterProbe.QuorumLeaderAsync(_cluster, exclude: controller)).Leader is >= 0 && next.Leader != controller && next.Epoch > epoch,
                "no new active controller was elected", TimeSpan.FromSeconds(15));
            _output.WriteLine($"node {next.Leader} is the active controller in epoch {next.Epoch}, {clock.ElapsedMilliseconds} ms after the kill");

            // Every survivor, and the old controller after its restart, has each topic once, under one id.
            await victim.RestartAsync();
            foreach (var name in names)
            {
                await ClusterProbe.WaitForTopicEverywhereAsync(_cluster, name, TopicPartitions, isr: 1, Patience);
                var seen = new List<Brook.Common.Uuid>();
                foreach (var node in _cluster.Nodes)
                {
                    var t = await ClusterProbe.TopicAsync(node, name);
                    Assert.NotNull(t);
                    Assert.Equal(TopicPartitions, t.Partitions.Count);
                    Assert.Equal(Enumerable.Range(0, TopicPartitions), t.Partitions.Select(p => p.PartitionIndex).Order());
                    seen.Add(t.TopicId);
                }
                Assert.Single(seen.Distinct());
                if (ids.TryGetValue(name, out var created)) Assert.Equal(created, seen[0]);
                // One topic id on disk too: a partition directory holds the id it was created for.
                foreach (var node in _cluster.Nodes)
                    foreach (var dir in Directory.GetDirectories(node.DataDirectory, $"{name}-*"))
                        Assert.Contains(seen[0].ToString(), File.ReadAllText(Path.Combine(dir, "partition.metadata")));
            }
        }
        finally
        {
            if (!victim.IsRunning) await victim.RestartAsync();
        }
    }

    /// <summary>
    /// Scenario 4b: two of the three combined nodes are SIGSTOPped, so the controller quorum and the ISR majority are
    /// gone at once. An idempotent acks=all producer to the partition led by the remaining node gets no acknowledgement
    /// while they are frozen (the leader can neither replicate nor shrink its ISR below min.insync.replicas=2); once
    /// they are resumed the producer's retries succeed, every record is acknowledged and every one is read back once.
    /// </summary>
    [Fact]
    public async Task AcksAllIsNotAcknowledgedWhileTwoNodesAreFrozenAndIsOnceTheyResume()
    {
        const int Count = 20;
        await RestoreAsync();
        var topic = KafkaTestClient.UniqueTopic("frozen");
        await CreateTopicAsync(topic, 1);
        var (leader, _) = await ClusterProbe.LeaderAsync(_cluster, topic, 0);
        var remaining = _cluster.Node(leader);
        var frozen = _cluster.Nodes.Where(n => n != remaining).ToList();

        var config = KafkaTestClient.ProducerConfig(remaining.BootstrapServers);
        config.EnableIdempotence = true;
        config.MessageTimeoutMs = 90_000;
        config.RequestTimeoutMs = 5000;
        using var producer = KafkaTestClient.CreateProducer(config);
        var before = await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Value = "before"u8.ToArray() });
        Assert.Equal(PersistenceStatus.Persisted, before.Status);

        List<Task<DeliveryResult<byte[]?, byte[]?>>> sends;
        var clock = Stopwatch.StartNew();
        foreach (var node in frozen) node.Pause();
        try
        {
            sends = [.. Enumerable.Range(0, Count).Select(i => producer.ProduceAsync(new TopicPartition(topic, 0),
                new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"frozen-{i}") }))];
            // Longer than replica.lag.time.max.ms and the broker session: whatever the leader tries, nothing may be acknowledged.
            await Task.WhenAny(Task.WhenAll(sends), Task.Delay(TimeSpan.FromSeconds(8)));
            var done = sends.Where(t => t.IsCompleted).ToList();
            Assert.True(done.Count == 0, $"{done.Count} of {Count} sends completed while two nodes were frozen: " +
                string.Join(", ", done.Select(t => t.IsCompletedSuccessfully ? $"acknowledged at {t.Result.Offset}" : t.Exception!.InnerException!.Message).Distinct()));
        }
        finally
        {
            foreach (var node in frozen) node.Resume();
        }
        var resumedAt = clock.Elapsed;

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(80));
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        _output.WriteLine($"all {Count} acknowledged {(clock.Elapsed - resumedAt).TotalMilliseconds:0} ms after SIGCONT");

        var read = KafkaTestClient.ConsumeToHighWatermark(Bootstrap, topic, 1).Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToList();
        Assert.Equal(["before", .. Enumerable.Range(0, Count).Select(i => $"frozen-{i}")], read);
    }

    /// <summary>
    /// Scenario 8b: kafka-python (Debian's python3-kafka, another client implementation than librdkafka) through a
    /// leader SIGKILL: an acks=all producer sends one record at a time while a kafka-python consumer group reads; the
    /// leader of partition 0 is killed mid-way. Every record the producer saw acknowledged is consumed by the group.
    /// </summary>
    /// <remarks>
    /// Once skipped: in one of three runs (the whole class) the producer had all 300 records acknowledged but the
    /// kafka-python group member printed nothing and did not end within 85 s (its 20 s consumer_timeout_ms never
    /// fired: kafka-python 2.0.2 blocks without a timeout in its coordinator look-up, join and offset fetch loops). The
    /// cause was not found: it did not recur in 20 later runs (3 alone, 9 whole-class runs, and 8 in a loop of which
    /// one had the group coordinated by the killed node). The consumer now logs its coordinator steps and, if still
    /// running after 70 s, every thread's stack to stderr, which the failure message carries.
    /// </remarks>
    [KafkaPythonFact]
    public async Task KafkaPythonProducerAndGroupLoseNoAcknowledgedRecordThroughALeaderKill()
    {
        const int TopicPartitions = 3;
        await RestoreAsync();
        var topic = KafkaTestClient.UniqueTopic("py-fail");
        await CreateTopicAsync(topic, TopicPartitions);
        var (leader, _) = await ClusterProbe.LeaderAsync(_cluster, topic, 0);
        var victim = _cluster.Node(leader);
        var group = $"py-{Guid.NewGuid():N}";
        try
        {
            var consumer = RunPythonAsync("consume", topic, group);
            var producer = RunPythonAsync("produce", topic, group);
            // The producer sends for several seconds; kill the leader while it does.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(producer.IsCompleted, "the producer finished before the kill");
            victim.Kill();

            var produced = await producer;
            Assert.True(produced.ExitCode == 0, produced.ToString());
            var acked = Values(produced, "acked ");
            var failed = Values(produced, "failed ");
            _output.WriteLine($"kafka-python acknowledged {acked.Count} records, {failed.Count} failed");
            Assert.NotEmpty(acked);

            var consumed = await consumer;
            Assert.True(consumed.ExitCode == 0, consumed.ToString());
            var seen = Values(consumed, "consumed ").ToHashSet();
            var missing = acked.Where(v => !seen.Contains(v)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged records were not consumed, e.g. {string.Join(", ", missing.Take(5))}\n{consumed}");
        }
        finally
        {
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
        await ClusterProbe.WaitForAllBrokersAsync(_cluster, TimeSpan.FromSeconds(60));
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
    /// The group's committed offsets for <paramref name="topic"/> (OffsetFetch through a consumer of the group that
    /// neither subscribes nor joins), asked again while the coordinator is still loading or moving (those errors are
    /// retriable).
    /// </summary>
    /// <remarks>
    /// Not AdminClient.ListConsumerGroupOffsets: when an OffsetFetch response carries NOT_COORDINATOR or
    /// COORDINATOR_NOT_AVAILABLE, librdkafka's handler (rd_kafka_handle_OffsetFetch) asks the client's consumer group
    /// handle to look the coordinator up again, and an admin client has none: rd_kafka_cgrp_op(NULL, ...) segfaults and
    /// takes the test host down. Both errors are what a coordinator rightly answers for a moment while a group moves
    /// (for instance before the node a FindCoordinator named has claimed the partition), so this is exactly when the
    /// old code asked. A consumer has the handle, retries and reports the error instead.
    /// </remarks>
    private static async Task<Dictionary<int, long>> CommittedOffsetsAsync(string bootstrap, string group, string topic)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.GroupId = group;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        var partitions = KafkaTestClient.Partitions(topic, Partitions).ToList();
        Dictionary<int, long>? result = null;
        await Eventually.HoldsAsync(() =>
        {
            try
            {
                result = consumer.Committed(partitions, TimeSpan.FromSeconds(10)).Where(p => p.Offset.Value >= 0)
                    .ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
                return true;
            }
            catch (KafkaException)
            {
                return false; // COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, timeouts while the group moves
            }
        }, $"OffsetFetch for {group} kept failing", Patience);
        return result!;
    }

    /// <summary>
    /// produce: 300 records, one at a time, acks=all with retries, printing "acked v" or "failed v" per record.
    /// consume: a group member printing "consumed v" per record, until 20 s pass without one (longer than a fail-over).
    /// </summary>
    private const string PythonScript = """
        import faulthandler, logging, sys, time
        from kafka import KafkaProducer, KafkaConsumer

        # For the failure message: the client's own account (group coordinator steps in detail), and every thread's
        # stack if it is still running 70 s in (the test gives up at 85 s), i.e. where it hangs.
        logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        logging.getLogger("kafka.coordinator").setLevel(logging.DEBUG)
        faulthandler.dump_traceback_later(70)

        mode, bootstrap, topic, group = sys.argv[1:5]
        if mode == "produce":
            producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", retries=60, retry_backoff_ms=500,
                                     request_timeout_ms=5000, max_in_flight_requests_per_connection=1, metadata_max_age_ms=1000,
                                     reconnect_backoff_max_ms=1000)
            for i in range(300):
                value = "v%d" % i
                try:
                    producer.send(topic, value=value.encode(), partition=i % 3).get(timeout=60)
                    print("acked " + value, flush=True)
                except Exception as e:
                    print("failed %s %r" % (value, e), flush=True)
                time.sleep(0.02)
            producer.close(timeout=10)
        else:
            consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap.split(","), group_id=group, auto_offset_reset="earliest",
                                     consumer_timeout_ms=20000, session_timeout_ms=10000, heartbeat_interval_ms=1000,
                                     metadata_max_age_ms=1000, reconnect_backoff_max_ms=1000)
            for record in consumer:
                print("consumed " + record.value.decode(), flush=True)
            consumer.close()
        """;

    private Task<ProcessResult> RunPythonAsync(string mode, string topic, string group)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = null,
            ["PYTHONHOME"] = null,
            ["VIRTUAL_ENV"] = null,
            ["PYTHONUNBUFFERED"] = "1",
        };
        return ProcessRunner.RunAsync(ExternalTools.SystemPython, ["-c", PythonScript, mode, Bootstrap, topic, group],
            timeout: TimeSpan.FromSeconds(85), environment: environment);
    }

    private static List<string> Values(ProcessResult result, string prefix) =>
        [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Split(' ')[0])];

    private static CreateTopicsRequest CreateRequest(string name, int partitions) => new()
    {
        TimeoutMs = 30_000,
        // RF 2: placeable on the two survivors once the dead controller is fenced (RF 3 would then be refused with
        // INVALID_REPLICATION_FACTOR, rightly, which is not the retriable failure this test is about).
        Topics = [new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = partitions, ReplicationFactor = 2 }],
    };

    /// <summary>One CreateTopics on a fresh connection to <paramref name="node"/>.</summary>
    private static async Task<CreateTopicsResponse> SendOnceAsync(ClusterNode node, CreateTopicsRequest request)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        return await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(request, 7, TimeSpan.FromSeconds(40));
    }

    private static ProducerConfig TransactionalConfig(string bootstrap, string transactionalId)
    {
        var config = KafkaTestClient.ProducerConfig(bootstrap);
        config.TransactionalId = transactionalId;
        config.TransactionTimeoutMs = 30_000;
        config.MessageTimeoutMs = 30_000;
        return config;
    }

    /// <summary>Begins a transaction and sends <paramref name="perPartition"/> records to each partition; returns the values.</summary>
    private static List<string> ProduceTransaction(IProducer<byte[]?, byte[]?> producer, string topic, string tag, int partitions, int perPartition)
    {
        producer.BeginTransaction();
        var values = new List<string>();
        for (var p = 0; p < partitions; p++)
            for (var i = 0; i < perPartition; i++)
            {
                var value = $"{tag}-{p}-{i}";
                producer.Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) });
                values.Add(value);
            }
        return values;
    }

    /// <summary>Partitions whose last stable offset (ListOffsets read_committed) is below their high watermark.</summary>
    private static List<int> Unstable(string bootstrap, string topic, int partitions, IEnumerable<int>? only = null)
    {
        var committedConfig = KafkaTestClient.ConsumerConfig(bootstrap);
        committedConfig.IsolationLevel = IsolationLevel.ReadCommitted;
        using var readCommitted = KafkaTestClient.CreateConsumer(committedConfig);
        using var readUncommitted = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(bootstrap));
        var unstable = new List<int>();
        foreach (var p in only ?? Enumerable.Range(0, partitions))
        {
            var tp = new TopicPartition(topic, p);
            var stable = readCommitted.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value;
            var high = readUncommitted.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value;
            if (stable < high) unstable.Add(p);
        }
        return unstable;
    }

    /// <summary>For the log: how many partitions led by survivors had no marker yet, or why that could not be told.</summary>
    private static string UnstablePartitions(string survivors, string topic, IReadOnlyDictionary<int, int> leaders, int victim)
    {
        var probed = leaders.Where(kv => kv.Value != victim).Select(kv => kv.Key).ToList();
        int unstable = 0, unknown = 0;
        foreach (var p in probed)
        {
            try
            {
                unstable += Unstable(survivors, topic, leaders.Count, [p]).Count;
            }
            catch (KafkaException)
            {
                unknown++; // its leader was paused a moment ago or is changing
            }
        }
        return $"{unstable} of {probed.Count} ({unknown} could not be asked)";
    }

    /// <summary>Every record a read_committed consumer reads from the start of each partition up to its end.</summary>
    private static List<string> ReadCommitted(string bootstrap, string topic, int partitions)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(KafkaTestClient.Partitions(topic, partitions).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var values = new List<string>();
        var atEnd = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (atEnd.Count < partitions)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"read_committed reached the end of {atEnd.Count} of {partitions} partitions within 60 s");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) atEnd.Add(r.Partition.Value);
            else
            {
                atEnd.Remove(r.Partition.Value);
                values.Add(Encoding.UTF8.GetString(r.Message.Value!));
            }
        }
        consumer.Close();
        return values;
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
