using System.Diagnostics;
using System.Globalization;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Three combined nodes with a short broker session (so a killed leader is fenced and replaced quickly), shared by
/// <see cref="ClusterFailoverTests"/>. Every test leaves all three nodes running and unfenced.
/// </summary>
public sealed class FailoverClusterFixture : ClusterFixture
{
    public const int SessionTimeoutMs = 4000;

    protected override string Name => "failover";

    /// <summary>The settings every fail-over cluster runs with (tests that start their own cluster use them too).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> NodeOverrides =
    [
        new("broker.session.timeout.ms", SessionTimeoutMs.ToString(CultureInfo.InvariantCulture)),
        new("broker.heartbeat.interval.ms", "500"),
        new("replica.lag.time.max.ms", "3000"),
        new("group.initial.rebalance.delay.ms", "0"),
        new("offsets.topic.num.partitions", "3"),
        new("transaction.state.log.num.partitions", "3"),
    ];

    protected override ClusterOptions Options => new() { ReadyOn = ClusterListener.Client, Overrides = NodeOverrides };
}

/// <summary>
/// Data-partition fail-over with real processes and a real client (Confluent.Kafka): a leader killed or stopped under
/// an idempotent acks=all stream loses nothing acknowledged and the stream resumes on a new leader in a newer epoch; a
/// partition whose whole ISR is gone stays offline unless unclean election is allowed; a consumer ahead of a truncated
/// log finds out.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterFailoverTests : IClassFixture<FailoverClusterFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The partitions of the topic the SIGKILL and SIGTERM tests stream to.</summary>
    private const int StreamPartitions = 3;

    /// <summary>How long a leader may be gone before producing resumes: the session timeout plus the check's period, the election write and the client's metadata refresh.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromMilliseconds(FailoverClusterFixture.SessionTimeoutMs) + TimeSpan.FromSeconds(5);

    private readonly ClusterProcess _cluster;
    private readonly ITestOutputHelper _output;
    private readonly ClusterLogReporter _logs;

    public ClusterFailoverTests(FailoverClusterFixture fixture, ITestOutputHelper output)
    {
        _cluster = fixture.Cluster;
        _output = output;
        _logs = new ClusterLogReporter(_cluster, output);
    }

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task A_killed_leader_loses_no_acknowledged_record_and_the_stream_resumes_in_a_newer_epoch()
    {
        await EnsureAllNodesUpAsync();
        var topic = KafkaTestClient.UniqueTopic("kill");
        await CreateTopicAsync(topic, partitions: StreamPartitions, minIsr: 2);
        var (victim, partition, epochBefore) = await PickLeaderAsync(topic);
        var tp = new TopicPartition(topic, partition);
        var ledger = new AcknowledgedRecordLedger();
        try
        {
            TimeSpan killedAt;
            await using (var stream = new NumberedStreamProducer(IdempotentConfig(), ledger, KafkaTestClient.Partitions(topic, StreamPartitions).ToList()))
            {
                stream.Start();
                await Eventually.HoldsAsync(() => ledger.AcknowledgedOn(tp).Count >= 300, "the stream did not get going", Patience);
                killedAt = ledger.Now;
                victim.Kill();
                _output.WriteLine($"SIGKILL to node {victim.NodeId}, leader of {tp} in epoch {epochBefore}, after {ledger.AcknowledgedOn(tp).Count} acks there");
                await Eventually.HoldsAsync(() => ledger.AcknowledgedOn(tp).Count(a => a.At > killedAt) >= 300,
                    $"producing to {tp} did not resume after its leader died", TimeSpan.FromSeconds(60));
                Assert.Equal(0, await stream.StopAsync(Patience));
            }

            var after = await PartitionAsync(topic, partition);
            Assert.NotEqual(victim.NodeId, after.LeaderId);
            Assert.True(after.LeaderId >= 0, "no new leader");
            Assert.True(after.LeaderEpoch > epochBefore, $"leader epoch {after.LeaderEpoch} is not above {epochBefore}");

            await VerifyStreamAfterFaultAsync(ledger, tp, killedAt, victim, StallLimit);
        }
        finally
        {
            await EnsureAllNodesUpAsync();
        }
    }

    [Fact]
    public async Task A_terminated_leader_hands_over_under_load_and_the_producer_sees_only_retriable_errors()
    {
        await EnsureAllNodesUpAsync();
        var topic = KafkaTestClient.UniqueTopic("term");
        await CreateTopicAsync(topic, partitions: StreamPartitions, minIsr: 2);
        var (victim, partition, epochBefore) = await PickLeaderAsync(topic);
        var tp = new TopicPartition(topic, partition);
        var led = (await TopicAsync(topic)).Partitions.Where(p => p.LeaderId == victim.NodeId).ToDictionary(p => p.PartitionIndex, p => p.LeaderEpoch);
        var ledger = new AcknowledgedRecordLedger();
        try
        {
            TimeSpan stoppedAt;
            Dictionary<int, int> logStarts;
            await using (var stream = new NumberedStreamProducer(IdempotentConfig(), ledger, KafkaTestClient.Partitions(topic, StreamPartitions).ToList()))
            {
                stream.Start();
                await Eventually.HoldsAsync(() => ledger.AcknowledgedOn(tp).Count >= 300, "the stream did not get going", Patience);
                stoppedAt = ledger.Now;
                // Logs are kept across restarts: only what the nodes write from now on speaks of this shutdown.
                logStarts = _cluster.Nodes.ToDictionary(n => n.NodeId, n => n.Process.LogLength);
                var exitCode = await victim.StopAsync(TimeSpan.FromSeconds(40));
                _output.WriteLine($"node {victim.NodeId} exited {(ledger.Now - stoppedAt).TotalMilliseconds:0} ms after SIGTERM with code {exitCode}");
                Assert.Equal(0, exitCode);
                Assert.Contains("Controlled shutdown complete", victim.Process.LogSince(logStarts[victim.NodeId]));

                // The controller moved the leaderships before it let the broker go: the survivors show them moved at once.
                var survivor = _cluster.Nodes.First(n => n != victim);
                var moved = await TopicAsync(topic, survivor);
                foreach (var (index, epoch) in led)
                {
                    var p = moved.Partitions.Single(x => x.PartitionIndex == index);
                    Assert.True(p.LeaderId >= 0 && p.LeaderId != victim.NodeId && p.LeaderEpoch > epoch,
                        $"{topic}-{index} right after the exit: leader {p.LeaderId} epoch {p.LeaderEpoch} (was node {victim.NodeId} in epoch {epoch})");
                }

                await Eventually.HoldsAsync(() => ledger.AcknowledgedOn(tp).Count(a => a.At > stoppedAt) >= 300,
                    $"producing to {tp} did not resume after its leader stopped", TimeSpan.FromSeconds(60));
                Assert.Equal(0, await stream.StopAsync(Patience));
            }
            Assert.DoesNotContain($"Fenced broker {victim.NodeId}: no heartbeat", string.Concat(_cluster.Nodes.Select(n => n.Process.LogSince(logStarts[n.NodeId]))));
            await VerifyStreamAfterFaultAsync(ledger, tp, stoppedAt, victim);
        }
        finally
        {
            await EnsureAllNodesUpAsync();
        }
    }

    /// <remarks>
    /// The leader takes acks=1 records while both followers are frozen (SIGSTOP), so they never get them, and dies
    /// (SIGKILL) before they wake. The ISR could not shrink meanwhile (no quorum, and less than replica.lag.time.max.ms),
    /// so a follower is elected cleanly from it and its log ends where the acknowledged acks=1 records began: they are
    /// truncated away for real, and new records take their offsets in the new epoch. OffsetForLeaderEpoch for the old
    /// epoch answers the new end; a consumer put past it fails visibly (auto.offset.reset=error) or resets. The old
    /// leader truncates its divergent tail when it returns.
    /// </remarks>
    [Fact]
    public async Task Records_a_dead_leader_took_with_acks_1_are_truncated_and_a_consumer_past_the_new_end_does_not_skip_silently()
    {
        await EnsureAllNodesUpAsync();
        var topic = KafkaTestClient.UniqueTopic("trunc");
        // The preferred (first) replica leads: one that is not the active controller, so the quorum outlives its death.
        var controller = await ActiveControllerAsync();
        await CreateTopicAsync(_cluster, topic, partitions: 1, minIsr: 1, assignment:
            [[.. _cluster.Nodes.Select(n => n.NodeId).OrderBy(id => id == controller ? 1 : 0)]]);
        var tp = new TopicPartition(topic, 0);
        var (leader, _, epoch) = await PickLeaderAsync(topic);
        var followers = _cluster.Nodes.Where(n => n != leader).ToList();
        var committed = new AcknowledgedRecordLedger();
        var config = KafkaTestClient.ProducerConfig(_cluster.BootstrapServers);
        config.EnableIdempotence = true;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            for (var i = 0; i < 100; i++) producer.Produce(tp, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"committed-{i}") }, committed.Record);
            Assert.Equal(0, producer.Flush(Patience));
        }
        Assert.Equal(100, committed.AcknowledgedCount);
        const long newEnd = 100;

        var unreplicated = new AcknowledgedRecordLedger();
        try
        {
            foreach (var follower in followers) follower.Pause();
            // A fetch the leader held in its purgatory (replica.fetch.wait.max.ms, 500 ms) is answered into the frozen
            // follower's socket and read when it wakes: let those be answered, empty, before producing.
            await Task.Delay(1000);
            var acks1 = KafkaTestClient.ProducerConfig(leader.BootstrapServers, Acks.Leader);
            acks1.MessageTimeoutMs = 10_000;
            using (var producer = KafkaTestClient.CreateProducer(acks1))
            {
                for (var i = 0; i < 50; i++) producer.Produce(tp, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"lost-{i}") }, unreplicated.Record);
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
            }
            Assert.Empty(unreplicated.Failures);
            Assert.Equal(Enumerable.Range((int)newEnd, 50).Select(o => (long)o), unreplicated.Acknowledged.Select(a => a.Offset));
            leader.Kill();
        }
        finally
        {
            foreach (var follower in followers.Where(f => f.IsPaused)) follower.Resume();
        }

        var survivors = SurvivorsOf(leader);
        try
        {
            MetadataResponse.MetadataResponsePartition? after = null;
            await Eventually.HoldsAsync(async () => (after = (await TopicAsync(_cluster, topic, followers[0])).Partitions[0]) is { LeaderId: >= 0 } p
                    && p.LeaderId != leader.NodeId && p.LeaderEpoch > epoch,
                $"no follower took over {tp} from the dead leader {leader.NodeId}", TimeSpan.FromSeconds(45));
            _output.WriteLine($"{tp}: node {after!.LeaderId} leads in epoch {after.LeaderEpoch} (was node {leader.NodeId} in epoch {epoch})");

            // New records take the offsets the lost ones had.
            var replacing = new AcknowledgedRecordLedger();
            var survivorConfig = KafkaTestClient.ProducerConfig(survivors);
            survivorConfig.EnableIdempotence = true;
            using (var producer = KafkaTestClient.CreateProducer(survivorConfig))
            {
                for (var i = 0; i < 20; i++) producer.Produce(tp, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"new-{i}") }, replacing.Record);
                Assert.Equal(0, producer.Flush(Patience));
            }
            replacing.AssertOnlyRetriableFailures();
            Assert.Equal(newEnd, replacing.Acknowledged.Min(a => a.Offset));

            // What a consumer that had reached offset 150 in the old epoch asks the new leader (KIP-320): the old epoch
            // ends at 100 there, so everything from 100 on in its view is gone.
            using (var client = await _cluster.Node(after.LeaderId).ConnectAsync(ClusterListener.Client))
            {
                var response = await client.SendAsync<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(new OffsetForLeaderEpochRequest
                {
                    ReplicaId = OffsetForLeaderEpochRequest.ConsumerReplicaId,
                    Topics = [new() { Topic = topic, Partitions = [new() { Partition = 0, CurrentLeaderEpoch = after.LeaderEpoch, LeaderEpoch = epoch }] }],
                }, 4);
                var p = Assert.Single(Assert.Single(response.Topics).Partitions);
                Assert.Equal((0, epoch, newEnd), (p.ErrorCode, p.LeaderEpoch, p.EndOffset));
            }

            // Confluent.Kafka's Assign and Seek drop a TopicPartitionOffset's leader epoch (librdkafka logs "leader epoch -1"
            // and skips validation), so a consumer put past the new end fetches there and gets OFFSET_OUT_OF_RANGE. With
            // auto.offset.reset=error librdkafka reports that instead of skipping; a consumer that reached its position by
            // consuming is validated through OffsetForLeaderEpoch (see the unclean-election test).
            var past = new TopicPartitionOffset(tp, new Offset(newEnd + 50));
            var strict = KafkaTestClient.ConsumerConfig(survivors);
            strict.AutoOffsetReset = AutoOffsetReset.Error;
            using (var consumer = KafkaTestClient.CreateConsumer(strict))
            {
                consumer.Assign(past);
                var error = await Task.Run(() => ConsumeUntilError(consumer, Patience));
                _output.WriteLine($"auto.offset.reset=error: {error.Code} {error.Reason}");
                Assert.Equal(ErrorCode.Local_AutoOffsetReset, error.Code);
                Assert.Contains("Offset out of range", error.Reason, StringComparison.Ordinal);
            }
            // With a reset policy it starts over where the policy says (here the beginning), visibly.
            var lenient = KafkaTestClient.ConsumerConfig(survivors);
            lenient.AutoOffsetReset = AutoOffsetReset.Earliest;
            using (var consumer = KafkaTestClient.CreateConsumer(lenient))
            {
                consumer.Assign(past);
                var first = await Task.Run(() => ConsumeFirst(consumer, Patience));
                Assert.Equal((0L, "committed-0"), (first.Offset.Value, System.Text.Encoding.UTF8.GetString(first.Message.Value!)));
            }

            // The old leader comes back, truncates its divergent tail and holds what the others hold.
            await leader.RestartAsync();
            await Eventually.HoldsAsync(async () => (await TopicAsync(_cluster, topic, followers[0])).Partitions[0].IsrNodes.Contains(leader.NodeId),
                $"node {leader.NodeId} did not rejoin the ISR of {tp}", TimeSpan.FromSeconds(45));
            Assert.Contains($"{topic}-0 diverges from leader", leader.Log);
            var log = await committed.VerifyReadBackAsync(leader.BootstrapServers, [tp]);
            await replacing.VerifyReadBackAsync(leader.BootstrapServers, [tp]);
            Assert.DoesNotContain(log[tp], r => r.Value.StartsWith("lost-", StringComparison.Ordinal));
        }
        finally
        {
            await EnsureAllNodesUpAsync();
        }
    }

    /// <remarks>
    /// KIP-320 and KIP-951 on the raw protocol after a real leader change (SIGTERM, so the epoch is above 0 and an
    /// older one exists): Fetch, ListOffsets and OffsetForLeaderEpoch with an older epoch get FENCED_LEADER_EPOCH, with
    /// a newer one UNKNOWN_LEADER_EPOCH; a broker that does not host the partition answers a Fetch v16 with
    /// NOT_LEADER_OR_FOLLOWER, CurrentLeader and the leader's endpoint; a follower answers a pre-KIP-392 Fetch (v10,
    /// no client metadata) with NOT_LEADER_OR_FOLLOWER. Produce carries no leader epoch, so only its steering applies
    /// (ClusterReplicationTests covers it).
    /// </remarks>
    [Fact]
    public async Task Stale_and_future_leader_epochs_are_refused_and_non_leaders_point_at_the_leader()
    {
        await EnsureAllNodesUpAsync();
        var controller = await ActiveControllerAsync();
        var ids = _cluster.Nodes.Select(n => n.NodeId).OrderBy(id => id == controller ? 1 : 0).ToList();
        var outsider = _cluster.Node(ids[2]);
        var topic = KafkaTestClient.UniqueTopic("epochs");
        await CreateTopicAsync(_cluster, topic, partitions: 1, minIsr: 1, assignment: [[ids[0], ids[1]]], replicas: 2);
        var first = _cluster.Node(ids[0]);
        try
        {
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(40)));
            await first.RestartAsync();
            await EnsureAllNodesUpAsync();
            await Eventually.HoldsAsync(async () => (await TopicAsync(topic, outsider)).Partitions[0] is { LeaderId: >= 0, LeaderEpoch: >= 1, IsrNodes.Count: 2 },
                $"{topic} did not get a new leader epoch and a full ISR back", Patience);
        }
        finally
        {
            await EnsureAllNodesUpAsync();
        }
        var metadata = await TopicAsync(topic, outsider);
        var p = metadata.Partitions[0];
        var (leader, epoch) = (_cluster.Node(p.LeaderId), p.LeaderEpoch);
        var follower = _cluster.Node(p.LeaderId == ids[0] ? ids[1] : ids[0]);
        // Every node must know the new epoch before it is asked about it.
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
                if ((await TopicAsync(topic, node)).Partitions[0].LeaderEpoch != epoch) return false;
            return true;
        }, $"not every node knows leader epoch {epoch} of {topic}", Patience);

        FetchRequest Fetch(int currentLeaderEpoch) => new()
        {
            ReplicaId = -1,
            MaxWaitMs = 0,
            MinBytes = 1,
            Topics = [new() { Topic = topic, TopicId = metadata.TopicId, Partitions = [new() { Partition = 0, CurrentLeaderEpoch = currentLeaderEpoch, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        };
        using (var client = await leader.ConnectAsync(ClusterListener.Client))
        {
            foreach (var (asked, expected) in new[] { (epoch - 1, Brook.Common.ErrorCode.FencedLeaderEpoch), (epoch + 1, Brook.Common.ErrorCode.UnknownLeaderEpoch), (epoch, Brook.Common.ErrorCode.None) })
            {
                var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Fetch(asked), 16);
                Assert.Equal((short)expected, Assert.Single(Assert.Single(fetched.Responses).Partitions).ErrorCode);

                var listed = await client.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(new ListOffsetsRequest
                {
                    ReplicaId = -1,
                    Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, CurrentLeaderEpoch = asked, Timestamp = ListOffsetsRequest.LatestTimestamp }] }],
                }, 7);
                Assert.Equal((short)expected, Assert.Single(Assert.Single(listed.Topics).Partitions).ErrorCode);

                var ended = await client.SendAsync<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(new OffsetForLeaderEpochRequest
                {
                    ReplicaId = OffsetForLeaderEpochRequest.ConsumerReplicaId,
                    Topics = [new() { Topic = topic, Partitions = [new() { Partition = 0, CurrentLeaderEpoch = asked, LeaderEpoch = 0 }] }],
                }, 4);
                Assert.Equal((short)expected, Assert.Single(Assert.Single(ended.Topics).Partitions).ErrorCode);
            }
        }

        using (var client = await outsider.ConnectAsync(ClusterListener.Client))
        {
            var fetched = await client.SendAsync<FetchRequest, FetchResponse>(Fetch(epoch), 16);
            var data = Assert.Single(Assert.Single(fetched.Responses).Partitions);
            Assert.Equal((short)Brook.Common.ErrorCode.NotLeaderOrFollower, data.ErrorCode);
            Assert.Equal(new LeaderIdAndEpoch { LeaderId = leader.NodeId, LeaderEpoch = epoch }, data.CurrentLeader);
            var endpoint = Assert.Single(fetched.NodeEndpoints);
            Assert.Equal((leader.NodeId, leader.ClientPort), (endpoint.NodeId, endpoint.Port));
        }
        using (var client = await follower.ConnectAsync(ClusterListener.Client))
        {
            var request = Fetch(epoch);
            request.Topics[0].TopicId = default;
            var fetched = await client.SendAsync<FetchRequest, FetchResponse>(request, 10);
            Assert.Equal((short)Brook.Common.ErrorCode.NotLeaderOrFollower, Assert.Single(Assert.Single(fetched.Responses).Partitions).ErrorCode);
        }
    }

    /// <remarks>
    /// All three nodes are KRaft voters, so two of them can never be down at once (the controller would be gone). The
    /// ISR therefore shrinks one by one with live followers: the first is SIGKILLed (fenced, out of the ISR) and comes
    /// back unable to fetch from the leader, the second is cut off the leader's client listener (out of the ISR by lag);
    /// then the leader, the last ISR member, is SIGKILLed. Its own cluster, in a network namespace. Consumers that had
    /// read the committed records the unclean leader lacks detect the truncation (KIP-320).
    /// </remarks>
    [NetworkNamespaceFact]
    public async Task A_partition_without_its_isr_stays_offline_unless_unclean_election_is_turned_on()
    {
        await using var cluster = await ClusterProcess.StartAsync("isrloss", new ClusterOptions
        {
            InNetworkNamespace = true,
            ReadyOn = ClusterListener.Client,
            Overrides = [.. FailoverClusterFixture.NodeOverrides],
        });
        using var logs = new ClusterLogReporter(cluster, _output);
        var controller = await ActiveControllerAsync(cluster);
        // The leader and the first follower are not the active controller: killing them never costs a quorum election.
        var leader = cluster.Nodes.First(n => n.NodeId != controller);
        var first = cluster.Nodes.First(n => n.NodeId != controller && n != leader);
        var second = cluster.Node(controller);
        var replicas = new List<int> { leader.NodeId, first.NodeId, second.NodeId };
        var clean = KafkaTestClient.UniqueTopic("offline");
        var unclean = KafkaTestClient.UniqueTopic("unclean");
        foreach (var topic in new[] { clean, unclean })
            await CreateTopicAsync(cluster, topic, partitions: 1, minIsr: 1, new() { ["unclean.leader.election.enable"] = "false" }, [replicas]);
        var ledgers = new Dictionary<string, AcknowledgedRecordLedger> { [clean] = new(), [unclean] = new() };
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        using var producer = KafkaTestClient.CreateProducer(config);
        var sent = 0;
        async Task ProduceAcknowledgedAsync(int count)
        {
            foreach (var (topic, ledger) in ledgers)
                for (var i = 0; i < count; i++)
                    producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes(NumberedStreamProducer.ValueOf(sent + i)) }, ledger.Record);
            sent += count;
            Assert.Equal(0, await Task.Run(() => producer.Flush(Patience)));
            foreach (var ledger in ledgers.Values) Assert.Empty(ledger.Failures);
        }
        async Task WaitForIsrAsync(IReadOnlyCollection<int> isr, string what) =>
            await Eventually.HoldsAsync(async () =>
            {
                foreach (var topic in ledgers.Keys)
                    if (!(await TopicAsync(cluster, topic, second)).Partitions[0].IsrNodes.Order().SequenceEqual(isr.Order())) return false;
                return true;
            }, what, Patience);

        await ProduceAcknowledgedAsync(100); // on all three replicas
        var onFirst = sent;

        first.Kill();
        await WaitForIsrAsync([leader.NodeId, second.NodeId], $"the killed node {first.NodeId} did not leave the ISR");
        await ProduceAcknowledgedAsync(100); // on the leader and the second follower
        await cluster.CutClientListenerAsync(first, leader);
        await first.RestartAsync();
        await Eventually.HoldsAsync(async () => (await BrokersAsync(cluster, second)).Contains(first.NodeId), $"node {first.NodeId} was not unfenced after its restart", Patience);

        await cluster.CutClientListenerAsync(second, leader);
        await WaitForIsrAsync([leader.NodeId], $"node {second.NodeId} did not leave the ISR once it could not fetch");
        await ProduceAcknowledgedAsync(100); // on the leader alone (min.insync.replicas=1)

        // Two long-lived consumers read everything of the topic that will be elected uncleanly (its high watermark is
        // the leader's log end), so they are positioned past what the out-of-sync replica has.
        var uncleanPartition = new TopicPartition(unclean, 0);
        var strictConfig = KafkaTestClient.ConsumerConfig(cluster.BootstrapServers);
        strictConfig.AutoOffsetReset = AutoOffsetReset.Error;
        var lenientConfig = KafkaTestClient.ConsumerConfig(cluster.BootstrapServers);
        lenientConfig.AutoOffsetReset = AutoOffsetReset.Latest;
        using var strict = new PollingConsumer(strictConfig, [uncleanPartition]);
        using var lenient = new PollingConsumer(lenientConfig, [uncleanPartition]);
        await Eventually.HoldsAsync(() => strict.Records.Count >= sent && lenient.Records.Count >= sent, $"the consumers did not read all {sent} records of {unclean}", Patience);

        var epochs = new Dictionary<string, int>();
        foreach (var topic in ledgers.Keys) epochs[topic] = (await TopicAsync(cluster, topic, second)).Partitions[0].LeaderEpoch;
        leader.Kill();
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var topic in ledgers.Keys)
                if ((await TopicAsync(cluster, topic, second)).Partitions[0] is not { LeaderId: -1 } p) return false;
            return true;
        }, $"the partitions did not go offline once their last ISR member {leader.NodeId} was gone", Patience);
        cluster.HealAll(); // the followers could fetch now, but there is nobody to fetch from
        foreach (var topic in ledgers.Keys)
        {
            var p = (await TopicAsync(cluster, topic, first)).Partitions[0];
            Assert.Equal((short)Brook.Common.ErrorCode.LeaderNotAvailable, p.ErrorCode);
            // KIP-966: the ISR is empty; its last member is the only eligible leader replica, and the last known leader.
            Assert.Empty(p.IsrNodes);
            var described = await ClusterProbe.DescribeTopicPartitionAsync(first, topic, 0);
            Assert.Equal([leader.NodeId], described.EligibleLeaderReplicas!);
            Assert.Equal([leader.NodeId], described.LastKnownElr!);
        }

        // Producing fails, retriably, and claims nothing.
        var survivors = string.Join(',', first.BootstrapServers, second.BootstrapServers);
        var offlineLedger = new AcknowledgedRecordLedger();
        var offlineConfig = KafkaTestClient.ProducerConfig(survivors);
        offlineConfig.EnableIdempotence = true;
        offlineConfig.MessageTimeoutMs = 3000;
        using (var offlineProducer = KafkaTestClient.CreateProducer(offlineConfig))
        {
            offlineProducer.Produce(clean, new Message<byte[]?, byte[]?> { Value = "offline"u8.ToArray() }, offlineLedger.Record);
            offlineProducer.Flush(Patience);
        }
        var refused = Assert.Single(offlineLedger.Failures);
        _output.WriteLine($"produce to the offline partition: {refused.Error.Code} {refused.Error.Reason}");
        offlineLedger.AssertOnlyRetriableFailures();

        // Live out-of-sync replicas do not lead while unclean election is off.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var topic in ledgers.Keys) Assert.Equal(-1, (await TopicAsync(cluster, topic, second)).Partitions[0].LeaderId);
            await Task.Delay(250);
        }

        // Turned on for one topic, it elects a live out-of-sync replica there at once, and the loss is logged.
        using (var admin = KafkaTestClient.CreateAdmin(survivors))
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Topic, Name = unclean }] =
                    [new ConfigEntry { Name = "unclean.leader.election.enable", Value = "true", IncrementalOperation = AlterConfigOpType.Set }],
            });
        }
        MetadataResponse.MetadataResponsePartition? elected = null;
        await Eventually.HoldsAsync(async () => (elected = (await TopicAsync(cluster, unclean, second)).Partitions[0]).LeaderId >= 0,
            $"no leader was elected for {unclean} after unclean.leader.election.enable=true", Patience);
        Assert.Equal(first.NodeId, elected!.LeaderId); // the first live replica in replica order
        Assert.True(elected.LeaderEpoch > epochs[unclean]);
        Assert.Equal([first.NodeId], elected.IsrNodes);
        Assert.Contains($"Unclean leader election for {unclean}-0: broker {first.NodeId} was not in the ISR [] nor an eligible leader replica [{leader.NodeId}] (unclean.leader.election.enable)",
            string.Concat(cluster.Nodes.Select(n => n.Log)));
        // What the new leader has is what the topic now holds: the records acknowledged before it was killed, no more.
        var uncleanLog = await Task.Run(() => KafkaTestClient.ConsumeToHighWatermark(survivors, unclean, 1));
        Assert.Equal(Enumerable.Range(0, onFirst).Select(NumberedStreamProducer.ValueOf),
            uncleanLog.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)));
        Assert.Equal(-1, (await TopicAsync(cluster, clean, second)).Partitions[0].LeaderId);

        // The consumers were past the new end (offset {sent} in epoch {epoch}; the epoch now ends at {onFirst}). librdkafka
        // sees the new leader epoch, asks OffsetForLeaderEpoch and finds the truncation: with auto.offset.reset=error it
        // reports it; otherwise it seeks to the epoch's end and reads what is written there next.
        using (var producer2 = KafkaTestClient.CreateProducer(offlineConfig))
        {
            for (var i = 0; i < 5; i++) producer2.Produce(unclean, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"new-{i}") });
            Assert.Equal(0, producer2.Flush(Patience));
        }
        // librdkafka (rd_kafka_toppar_handle_OffsetForLeaderEpoch) resets to INVALID under auto.offset.reset=error, and
        // the reset surfaces as ERR__AUTO_OFFSET_RESET whose reason names the truncation (ERR__LOG_TRUNCATION).
        await Eventually.HoldsAsync(() => strict.Errors.Any(e => e.Code == ErrorCode.Local_AutoOffsetReset
                && e.Reason.Contains($"Partition log truncation detected at offset {sent} (leader epoch {epochs[unclean]}): broker end offset is {onFirst}", StringComparison.Ordinal)),
            () => $"the auto.offset.reset=error consumer reported no log truncation (errors: {string.Join("; ", strict.Errors.Select(e => $"{e.Code} {e.Reason}"))})", Patience);
        _output.WriteLine($"auto.offset.reset=error consumer: {string.Join("; ", strict.Errors.Select(e => $"{e.Code} {e.Reason}"))}");
        Assert.DoesNotContain(strict.Records, r => r.Value.StartsWith("new-", StringComparison.Ordinal));
        await Eventually.HoldsAsync(() => lenient.Records.Any(r => r.Value == "new-0"),
            () => $"the auto.offset.reset=latest consumer did not go on after the truncation (errors: {string.Join("; ", lenient.Errors.Select(e => $"{e.Code} {e.Reason}"))}; "
                + $"{lenient.Records.Count} records, the last at offset {lenient.Records.LastOrDefault()?.Offset})", Patience);
        var resumed = lenient.Records.First(r => r.Value == "new-0");
        Assert.Equal((long)onFirst, resumed.Offset);
        Assert.Equal(elected.LeaderEpoch, resumed.LeaderEpoch);

        // The last ISR member returns: it leads again and nothing acknowledged is lost.
        await leader.RestartAsync();
        await Eventually.HoldsAsync(async () => (await TopicAsync(cluster, clean, second)).Partitions[0].LeaderId == leader.NodeId,
            $"node {leader.NodeId} did not lead {clean} again after its return", Patience);
        Assert.Empty(ledgers[clean].Failures);
        Assert.Equal(sent, ledgers[clean].AcknowledgedCount);
        await ledgers[clean].VerifyReadBackAsync(cluster.BootstrapServers, KafkaTestClient.Partitions(clean, 1));
    }

    /// <summary>Polls until the consumer reports an error (returned) or a record arrives (a failure: it should have stopped).</summary>
    private static Error ConsumeUntilError(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is { IsPartitionEOF: false }) Assert.Fail($"read {r.TopicPartitionOffset} instead of an error");
            }
            catch (ConsumeException e)
            {
                return e.Error;
            }
        }
        throw new TimeoutException($"no consume error within {timeout.TotalSeconds:0} s");
    }

    private static ConsumeResult<byte[]?, byte[]?> ConsumeFirst(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is { IsPartitionEOF: false }) return r;
        }
        throw new TimeoutException($"nothing consumed within {timeout.TotalSeconds:0} s");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private ProducerConfig IdempotentConfig()
    {
        var config = KafkaTestClient.ProducerConfig(_cluster.BootstrapServers);
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        // Long enough that librdkafka retries through the whole fail-over instead of failing records.
        config.MessageTimeoutMs = 60_000;
        config.RequestTimeoutMs = 5000;
        config.LingerMs = 2;
        return config;
    }

    /// <summary>
    /// The tail of both leader-fault tests: the stall on <paramref name="tp"/> (at most <paramref name="stallLimit"/>, when
    /// given), only retriable delivery failures, and every acknowledged record read back from the survivors of
    /// <paramref name="victim"/> in send order.
    /// </summary>
    private async Task VerifyStreamAfterFaultAsync(AcknowledgedRecordLedger ledger, TopicPartition tp, TimeSpan faultAt, ClusterNode victim, TimeSpan? stallLimit = null)
    {
        var stall = ReportStall(ledger, tp, faultAt);
        if (stallLimit is { } limit)
            Assert.True(stall <= limit, $"produce to {tp} stalled {stall.TotalMilliseconds:0} ms (limit {limit.TotalMilliseconds:0} ms)");
        ledger.AssertOnlyRetriableFailures();
        var log = await ledger.VerifyReadBackAsync(SurvivorsOf(victim), KafkaTestClient.Partitions(tp.Topic, StreamPartitions));
        AssertSendOrder(log);
    }

    /// <summary>Prints (for the issue note) and returns the gap between the last ack on <paramref name="tp"/> before <paramref name="faultAt"/> and the first after.</summary>
    private TimeSpan ReportStall(AcknowledgedRecordLedger ledger, TopicPartition tp, TimeSpan faultAt)
    {
        var acks = ledger.AcknowledgedOn(tp);
        var before = acks.Where(a => a.At <= faultAt).Max(a => a.At);
        var firstAfter = acks.Where(a => a.At > faultAt).Min(a => a.At);
        // The client may still collect acks for requests answered just before the fault: the stall is the largest gap after it.
        var times = acks.Select(a => a.At).Where(t => t >= before).Order().ToList();
        var stall = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max();
        _output.WriteLine($"produce stall on {tp}: {stall.TotalMilliseconds:0} ms (last ack before the fault {(faultAt - before).TotalMilliseconds:0} ms before it, " +
            $"first after {(firstAfter - faultAt).TotalMilliseconds:0} ms after; broker.session.timeout.ms={FailoverClusterFixture.SessionTimeoutMs}); " +
            $"{acks.Count} acks, {ledger.Failures.Count} failed deliveries ({string.Join(", ", ledger.Failures.GroupBy(f => f.Error.Code).Select(g => $"{g.Key} x{g.Count()}"))})");
        return stall;
    }

    /// <summary>An idempotent producer keeps its send order per partition: the numbers in each log increase.</summary>
    private static void AssertSendOrder(IReadOnlyDictionary<TopicPartition, IReadOnlyList<(long Offset, string Value)>> log)
    {
        foreach (var (tp, records) in log)
        {
            var numbers = records.Select(r => NumberedStreamProducer.NumberOf(r.Value)).ToList();
            for (var i = 1; i < numbers.Count; i++)
                Assert.True(numbers[i] > numbers[i - 1], $"{tp}: record {numbers[i]} at offset {records[i].Offset} follows {numbers[i - 1]}");
        }
    }

    private string SurvivorsOf(ClusterNode victim) => string.Join(',', _cluster.Nodes.Where(n => n != victim).Select(n => n.BootstrapServers));

    /// <summary>A partition led by a node that is not the active controller (so the fault is a broker's, not also the quorum's).</summary>
    private async Task<(ClusterNode Leader, int Partition, int Epoch)> PickLeaderAsync(string topic)
    {
        var controller = await ActiveControllerAsync();
        var t = await TopicAsync(topic);
        var p = t.Partitions.OrderBy(x => x.PartitionIndex).First(x => x.LeaderId != controller);
        return (_cluster.Node(p.LeaderId), p.PartitionIndex, p.LeaderEpoch);
    }

    private Task CreateTopicAsync(string topic, int partitions, int minIsr) => CreateTopicAsync(_cluster, topic, partitions, minIsr);

    private static async Task CreateTopicAsync(ClusterProcess cluster, string topic, int partitions, int minIsr, Dictionary<string, string>? configs = null,
        List<List<int>>? assignment = null, int replicas = 3)
    {
        var all = new Dictionary<string, string>(configs ?? []) { ["min.insync.replicas"] = minIsr.ToString(CultureInfo.InvariantCulture) };
        using var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers);
        await admin.CreateTopicsAsync([assignment is null
            ? new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 3, Configs = all }
            : new TopicSpecification { Name = topic, NumPartitions = assignment.Count, ReplicationFactor = -1, ReplicasAssignments = assignment.Select((r, i) => (i, r)).ToDictionary(x => x.i, x => x.r), Configs = all }]);
        // Every node applies the new partitions from the metadata log; wait until each one knows the leaders and full ISRs.
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                var t = await TopicAsync(cluster, topic, node);
                if (t.ErrorCode != 0 || t.Partitions.Count != partitions || t.Partitions.Any(p => p.LeaderId < 0 || p.IsrNodes.Count < replicas)) return false;
            }
            return true;
        }, $"{topic} did not reach every node", Patience);
    }

    /// <summary>Restarts any node a test left down and waits until every node lists all three brokers (all unfenced).</summary>
    private async Task EnsureAllNodesUpAsync()
    {
        foreach (var node in _cluster.Nodes.Where(n => n.IsPaused)) node.Resume();
        await Task.WhenAll(_cluster.Nodes.Where(n => !n.IsRunning).Select(n => n.RestartAsync()));
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
                if ((await BrokersAsync(_cluster, node)).Count != _cluster.Nodes.Count) return false;
            return true;
        }, "not every node came back unfenced", TimeSpan.FromSeconds(60));
    }

    private async Task<MetadataResponse.MetadataResponsePartition> PartitionAsync(string topic, int partition) =>
        (await TopicAsync(topic)).Partitions.Single(p => p.PartitionIndex == partition);

    private Task<MetadataResponse.MetadataResponseTopic> TopicAsync(string topic, ClusterNode? node = null) => TopicAsync(_cluster, topic, node);

    /// <summary>Metadata v12 for one topic from <paramref name="node"/> (default: the first running, unpaused node).</summary>
    private static async Task<MetadataResponse.MetadataResponseTopic> TopicAsync(ClusterProcess cluster, string topic, ClusterNode? node = null)
    {
        node ??= cluster.Nodes.First(n => n.IsRunning && !n.IsPaused);
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(
            new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, 12, TimeSpan.FromSeconds(5));
        return Assert.Single(metadata.Topics);
    }

    /// <summary>The brokers <paramref name="node"/> lists (registered and unfenced).</summary>
    private static async Task<IReadOnlyList<int>> BrokersAsync(ClusterProcess cluster, ClusterNode node)
    {
        using var client = await node.ConnectAsync(ClusterListener.Client);
        var m = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [] }, 12, TimeSpan.FromSeconds(5));
        return [.. m.Brokers.Select(b => b.NodeId)];
    }

    private Task<int> ActiveControllerAsync() => ActiveControllerAsync(_cluster);

    private static async Task<int> ActiveControllerAsync(ClusterProcess cluster)
    {
        foreach (var node in cluster.Nodes.Where(n => n.IsRunning && !n.IsPaused))
        {
            try
            {
                using var client = await node.ConnectAsync(ClusterListener.Controller);
                var response = await client.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
                {
                    Topics = [new() { TopicName = "__cluster_metadata", Partitions = [new() { PartitionIndex = 0 }] }],
                }, 2, TimeSpan.FromSeconds(5));
                if (response.ErrorCode == 0 && response.Topics.SelectMany(t => t.Partitions).FirstOrDefault() is { LeaderId: >= 0 } p) return p.LeaderId;
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException or Brook.Client.KafkaConnectionException)
            {
            }
        }
        throw new InvalidOperationException("no active controller");
    }
}
