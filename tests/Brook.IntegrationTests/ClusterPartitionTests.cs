using System.Diagnostics;
using System.Globalization;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Confluent.Kafka;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>
/// Three combined nodes in a network namespace (so links between them can be cut while the test process still reaches
/// every node), shared by the class. Started on first use, not by xunit, so that a machine without namespaces (where
/// every test of the class is skipped) does not fail the fixture.
/// </summary>
public sealed class PartitionClusterFixture : IAsyncLifetime
{
    public const int BrokerSessionTimeoutMs = 3000;
    public const int LagTimeMaxMs = 3000;

    private readonly SemaphoreSlim _start = new(1, 1);
    private ClusterProcess? _cluster;

    public async Task<ClusterProcess> ClusterAsync()
    {
        await _start.WaitAsync();
        try
        {
            if (_cluster is null)
            {
                Librdkafka.EnsureLoaded();
                _cluster = await ClusterProcess.StartAsync("partition", new ClusterOptions
                {
                    InNetworkNamespace = true,
                    ReadyOn = ClusterListener.Client,
                    Overrides =
                    [
                        new("broker.session.timeout.ms", BrokerSessionTimeoutMs.ToString(CultureInfo.InvariantCulture)),
                        new("broker.heartbeat.interval.ms", "500"),
                        new("replica.lag.time.max.ms", LagTimeMaxMs.ToString(CultureInfo.InvariantCulture)),
                    ],
                });
            }
            return _cluster;
        }
        finally
        {
            _start.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Network partitions between the nodes of a real three-node cluster (iptables inside a namespace), the test process
/// (the clients) still reaching every node: a partition leader cut off from the others, and the active controller cut
/// off from the other voters. What the minority side acknowledges, what the majority elects, and what is left once
/// the links are healed.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterPartitionTests(PartitionClusterFixture fixture, ITestOutputHelper output) : IClassFixture<PartitionClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Scenario 2: the leader of an RF=3, min.insync.replicas=2 partition is cut off from both other brokers (one of
    /// them the active controller). acks=all produce to it is never acknowledged (timeout or NOT_ENOUGH_REPLICAS);
    /// acks=1 records it takes alone form a divergent tail. The others fence it and elect a new leader, which takes
    /// acks=all writes. Healed, the old leader refuses Produce (NOT_LEADER_OR_FOLLOWER) and requests in its old epoch
    /// (FENCED_LEADER_EPOCH), truncates its tail and ends with the new leader's log byte for byte; nothing acknowledged
    /// with acks=all is lost.
    /// </summary>
    [NetworkNamespaceFact]
    public async Task ALeaderCutOffFromTheOtherBrokersAcknowledgesNothingAndTruncatesItsTailAfterHealing()
    {
        var cluster = await fixture.ClusterAsync();
        using var logs = new ClusterLogReporter(cluster, output);
        cluster.HealAll();
        // A broker fenced by an earlier test must be back: placement and ISRs below assume all three.
        await ClusterProbe.WaitForAllBrokersAsync(cluster, TimeSpan.FromSeconds(60));
        var (controller, _) = await ActiveControllerAsync(cluster);
        var old = cluster.Nodes.First(n => n.NodeId != controller);
        var others = cluster.Nodes.Where(n => n != old).ToList();
        var topic = KafkaTestClient.UniqueTopic("cut");
        await CreateTopicAsync(cluster, topic, [old.NodeId, .. others.Select(o => o.NodeId)]);
        var (leader, oldEpoch) = await ClusterProbe.LeaderAsync(cluster, topic, 0);
        Assert.Equal(old.NodeId, leader);

        var acked = new List<string>();
        acked.AddRange(await ProduceAcksAllAsync(cluster.BootstrapServers, topic, "before", 50));

        using var toOld = await old.ConnectAsync(ClusterListener.Client);
        var divergent = new List<string>();
        var clock = Stopwatch.StartNew();
        cluster.Partition(old);
        try
        {
            // acks=1 right after the cut: the old leader still believes it leads and appends alone.
            for (var i = 0; i < 5; i++)
            {
                var value = $"div-{i}";
                var r = await ProduceRawAsync(toOld, topic, value, acks: 1, timeoutMs: 3000);
                if (r.ErrorCode == 0) divergent.Add(value);
            }
            Assert.NotEmpty(divergent);

            // acks=all is never acknowledged by the minority side, while the cut lasts.
            var refusals = new HashSet<string>();
            for (var i = 0; i < 3; i++)
            {
                var r = await ProduceRawAsync(toOld, topic, $"lost-{i}", acks: -1, timeoutMs: 2000);
                Assert.True((BrookError)r.ErrorCode is BrookError.RequestTimedOut or BrookError.NotEnoughReplicas
                        or BrookError.NotEnoughReplicasAfterAppend or BrookError.NotLeaderOrFollower,
                    $"acks=all produce to the cut-off leader answered {(BrookError)r.ErrorCode}");
                refusals.Add(((BrookError)r.ErrorCode).ToString());
            }
            output.WriteLine($"acks=1 appended {divergent.Count} records alone; acks=all answered {string.Join(", ", refusals)}");

            // The majority fences the old leader and elects another ISR member in a newer epoch.
            var (newLeader, newEpoch) = (-1, -1);
            await Eventually.HoldsAsync(async () =>
            {
                var t = await ClusterProbe.TopicAsync(others[0], topic);
                if (t?.Partitions.SingleOrDefault() is not { } p) return false;
                (newLeader, newEpoch) = (p.LeaderId, p.LeaderEpoch);
                return newLeader >= 0 && newLeader != old.NodeId && newEpoch > oldEpoch;
            }, "the majority did not elect a new leader", TimeSpan.FromSeconds(20));
            output.WriteLine($"node {newLeader} leads in epoch {newEpoch}, {clock.ElapsedMilliseconds} ms after the cut");

            var majority = string.Join(',', others.Select(o => o.BootstrapServers));
            acked.AddRange(await ProduceAcksAllAsync(majority, topic, "during", 50));
        }
        finally
        {
            cluster.HealAll();
        }

        // The old leader catches up with the metadata: Produce is refused, its old epoch is fenced.
        await Eventually.HoldsAsync(async () =>
        {
            using var client = await old.ConnectAsync(ClusterListener.Client);
            var r = await ProduceRawAsync(client, topic, "late", acks: -1, timeoutMs: 2000);
            return (BrookError)r.ErrorCode == BrookError.NotLeaderOrFollower;
        }, "the old leader did not answer NOT_LEADER_OR_FOLLOWER after healing", Patience, TimeSpan.FromMilliseconds(500));
        using (var client = await old.ConnectAsync(ClusterListener.Client))
        {
            var response = await client.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(new ListOffsetsRequest
            {
                ReplicaId = -1,
                Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, CurrentLeaderEpoch = oldEpoch, Timestamp = ListOffsetsRequest.LatestTimestamp }] }],
            }, 7);
            Assert.Equal(BrookError.FencedLeaderEpoch, (BrookError)Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode);
        }

        // It rejoins as a follower: its divergent tail is cut and its log becomes the leader's, byte for byte.
        var (finalLeader, _) = await ClusterProbe.LeaderAsync(cluster, topic, 0);
        await Eventually.HoldsAsync(() =>
        {
            var mine = SegmentBytes(old, topic);
            return mine.Length > 0 && mine.AsSpan().SequenceEqual(SegmentBytes(cluster.Node(finalLeader), topic));
        }, $"node {old.NodeId}'s log did not converge to the leader's", Patience);

        var read = KafkaTestClient.ConsumeToHighWatermark(cluster.BootstrapServers, topic, 1)
            .Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToList();
        Assert.Equal(acked, read.Where(v => !v.StartsWith("div-", StringComparison.Ordinal) && !v.StartsWith("lost-", StringComparison.Ordinal)));
        Assert.DoesNotContain(read, v => v.StartsWith("div-", StringComparison.Ordinal)); // acks=1 alone on the minority: gone
        Assert.DoesNotContain(read, v => v.StartsWith("lost-", StringComparison.Ordinal)); // never acknowledged: gone with the tail
    }

    /// <summary>
    /// Scenario 9b: the active controller is cut off from the other two voters. A CreateTopics sent to it (the client
    /// still reaches it) creates nothing and fails or times out; the majority elects a new controller, which creates a
    /// topic meanwhile. Healed, the quorum has one leader every node agrees on, the minority's topic exists nowhere and
    /// the majority's exists on every node under one topic id.
    /// </summary>
    [NetworkNamespaceFact]
    public async Task AnIsolatedControllerCommitsNothingAndTheMajorityElectsANewOne()
    {
        var cluster = await fixture.ClusterAsync();
        using var logs = new ClusterLogReporter(cluster, output);
        cluster.HealAll();
        // A broker fenced by an earlier test must be back: placement and ISRs below assume all three.
        await ClusterProbe.WaitForAllBrokersAsync(cluster, TimeSpan.FromSeconds(60));
        var (controller, epoch) = await ActiveControllerAsync(cluster);
        var isolated = cluster.Node(controller);
        var others = cluster.Nodes.Where(n => n != isolated).ToList();
        var minorityTopic = KafkaTestClient.UniqueTopic("minority");
        var majorityTopic = KafkaTestClient.UniqueTopic("majority");
        var clock = Stopwatch.StartNew();
        cluster.Partition(isolated);
        try
        {
            // Sent to the isolated node while the majority elects; its answer is awaited once the new controller is known.
            using var client = await isolated.ConnectAsync(ClusterListener.Client);
            var minorityCreate = client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest
            {
                TimeoutMs = 5000,
                Topics = [new CreateTopicsRequest.CreatableTopic { Name = minorityTopic, NumPartitions = 2, ReplicationFactor = 3 }],
            }, 7, TimeSpan.FromSeconds(30));
            var sentAt = clock.Elapsed;
            var answeredAfter = minorityCreate.ContinueWith(_ => clock.Elapsed - sentAt, TaskScheduler.Default);

            (int Leader, int Epoch) next = (-1, -1);
            await Eventually.HoldsAsync(async () =>
            {
                next = await ClusterProbe.QuorumLeaderAsync(cluster, exclude: controller);
                return next.Leader >= 0 && next.Leader != controller && next.Epoch > epoch;
            }, "the majority did not elect a new controller", TimeSpan.FromSeconds(20));
            output.WriteLine($"node {next.Leader} is the active controller in epoch {next.Epoch}, {clock.ElapsedMilliseconds} ms after the cut");

            var majority = string.Join(',', others.Select(o => o.BootstrapServers));
            using var admin = KafkaTestClient.CreateAdmin(majority);
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = majorityTopic, NumPartitions = 2, ReplicationFactor = 2 }]);

            // The request's own TimeoutMs bounds the wait: the isolated node answers a retriable error in about 5 s
            // (REQUEST_TIMED_OUT, or NOT_CONTROLLER), never success and never silence.
            var result = Assert.Single((await minorityCreate).Topics);
            var after = await answeredAfter;
            output.WriteLine($"CreateTopics on the isolated controller: {(BrookError)result.ErrorCode} {after.TotalMilliseconds:0} ms after it was sent");
            Assert.True(result.ErrorCode != 0, "the isolated controller acknowledged a CreateTopics");
            Assert.Contains((BrookError)result.ErrorCode, new[] { BrookError.RequestTimedOut, BrookError.NotController });
            Assert.True(after < TimeSpan.FromSeconds(12), $"the answer took {after} against a 5 s request timeout");
        }
        finally
        {
            cluster.HealAll();
        }

        // One leader, the same on every node, in an epoch no older than the majority's.
        await Eventually.HoldsAsync(async () =>
        {
            var views = new List<(int, int)>();
            foreach (var node in cluster.Nodes)
            {
                var q = await ClusterProbe.DescribeQuorumAsync(node);
                if (q is null) return false;
                views.Add((q.LeaderId, q.LeaderEpoch));
            }
            return views.Distinct().Count() == 1 && views[0].Item1 >= 0 && views[0].Item2 > epoch;
        }, "the nodes did not agree on one quorum leader after healing", Patience);

        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, majorityTopic, 2, isr: 2, Patience);
        var ids = new List<Brook.Common.Uuid>();
        foreach (var node in cluster.Nodes)
        {
            var minority = await ClusterProbe.TopicAsync(node, minorityTopic);
            Assert.True(minority is null || minority.ErrorCode == (short)BrookError.UnknownTopicOrPartition,
                $"node {node.NodeId} has the topic the isolated controller was asked to create");
            var t = await ClusterProbe.TopicAsync(node, majorityTopic);
            Assert.Equal(2, t!.Partitions.Count);
            ids.Add(t.TopicId);
        }
        Assert.Single(ids.Distinct());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static async Task<(int Leader, int Epoch)> ActiveControllerAsync(ClusterProcess cluster)
    {
        (int Leader, int Epoch) q = (-1, -1);
        await Eventually.HoldsAsync(async () => (q = await ClusterProbe.QuorumLeaderAsync(cluster)).Leader >= 0, "no active controller", Patience);
        return q;
    }

    /// <summary>One partition on the given replicas (the first its preferred leader), min.insync.replicas=2.</summary>
    private static async Task CreateTopicAsync(ClusterProcess cluster, string topic, List<int> replicas)
    {
        await Eventually.HoldsAsync(async () =>
        {
            using var client = await cluster.Nodes[0].ConnectAsync(ClusterListener.Client);
            var response = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest
            {
                Topics = [new CreateTopicsRequest.CreatableTopic
                {
                    Name = topic, NumPartitions = -1, ReplicationFactor = -1,
                    Assignments = [new() { PartitionIndex = 0, BrokerIds = replicas }],
                    Configs = [new() { Name = "min.insync.replicas", Value = "2" }],
                }],
            }, 7);
            var error = (BrookError)Assert.Single(response.Topics).ErrorCode;
            return error is BrookError.None or BrookError.TopicAlreadyExists;
        }, $"could not create {topic}", Patience);
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, 1, isr: 3, Patience);
    }

    private static async Task<List<string>> ProduceAcksAllAsync(string bootstrap, string topic, string tag, int count)
    {
        var config = KafkaTestClient.ProducerConfig(bootstrap);
        config.EnableIdempotence = true;
        using var producer = KafkaTestClient.CreateProducer(config);
        var values = Enumerable.Range(0, count).Select(i => $"{tag}-{i}").ToList();
        foreach (var value in values)
        {
            // One at a time: the acknowledged order is the log's order, which the final read checks.
            var r = await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) });
            Assert.Equal(PersistenceStatus.Persisted, r.Status);
        }
        return values;
    }

    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceRawAsync(ProtocolClient client, string topic, string value, short acks, int timeoutMs)
    {
        using var builder = new RecordBatchBuilder();
        builder.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, Encoding.UTF8.GetBytes(value));
        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(new ProduceRequest
        {
            Acks = acks,
            TimeoutMs = timeoutMs,
            TopicData = [new() { Name = topic, PartitionData = [new() { Index = 0, Records = new MemoryRecordSet(builder.Build()) }] }],
        }, 10, TimeSpan.FromMilliseconds(timeoutMs + 10_000));
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }

    private static byte[] SegmentBytes(ClusterNode node, string topic)
    {
        var dir = Path.Combine(node.DataDirectory, $"{topic}-0");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.log").Order().ToList() : [];
        using var all = new MemoryStream();
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }
        return all.ToArray();
    }
}
