using System.Globalization;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Leadership returns to preferred replicas on three real combined nodes (issue 10, scenario 2): a broker killed with
/// SIGKILL loses its leaderships; restarted and back in every ISR, it leads its preferred partitions again — at once
/// through ElectLeaders PREFERRED (Confluent.Kafka's AdminClient), which answers ELECTION_NOT_NEEDED the second time,
/// or after a balance interval with auto.leader.rebalance.enable. Acknowledged records survive every move.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterLeaderBalanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private const int Partitions = 6;

    [Fact]
    public async Task ElectLeaders_preferred_moves_a_returned_broker_back_at_once_and_is_not_needed_the_second_time()
    {
        await using var cluster = await StartAsync(autoRebalance: false);
        using var logs = new ClusterLogReporter(cluster, output);
        var topic = KafkaTestClient.UniqueTopic("elect");
        var (victim, preferred) = await ImbalanceAsync(cluster, topic);

        // With auto balancing off, nothing moves by itself.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(await LeadersAsync(cluster, topic), kv => Assert.NotEqual(victim.NodeId, kv.Value));

        using var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers);
        var partitions = KafkaTestClient.Partitions(topic, Partitions).ToList();
        // librdkafka reports the partitions that needed nothing as errors, so the call throws with every result in it.
        var elected = (await Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Preferred, partitions))).Results;
        Assert.Equal(Partitions, elected.TopicPartitions.Count);
        Assert.All(elected.TopicPartitions, r =>
            Assert.Equal(preferred.Contains(r.Partition.Value) ? ErrorCode.NoError : ErrorCode.ElectionNotNeeded, r.Error.Code));
        await WaitForPreferredLeadersAsync(cluster, topic, "ElectLeaders PREFERRED did not bring the preferred leaders back");

        var again = await Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Preferred, partitions));
        Assert.Equal(Partitions, again.Results.TopicPartitions.Count);
        Assert.All(again.Results.TopicPartitions, r => Assert.Equal(ErrorCode.ElectionNotNeeded, r.Error.Code));
        // Every partition (no list): those that need nothing are left out. Unclean: every partition has a leader.
        var all = await admin.ElectLeadersAsync(ElectionType.Preferred, null);
        Assert.DoesNotContain(all.TopicPartitions, r => r.Topic == topic);
        var unclean = await Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Unclean, partitions));
        Assert.All(unclean.Results.TopicPartitions, r => Assert.Equal(ErrorCode.ElectionNotNeeded, r.Error.Code));

        Assert.Contains("Preferred leader election requested by an admin", cluster.Log);
        await ProduceAndVerifyAsync(cluster, topic, first: 60, count: 60);
    }

    [Fact]
    public async Task Auto_leader_rebalance_moves_a_returned_broker_back_after_the_check_interval()
    {
        await using var cluster = await StartAsync(autoRebalance: true);
        using var logs = new ClusterLogReporter(cluster, output);
        var topic = KafkaTestClient.UniqueTopic("rebalance");
        await ImbalanceAsync(cluster, topic);

        await WaitForPreferredLeadersAsync(cluster, topic, "auto.leader.rebalance.enable did not bring the preferred leaders back");
        Assert.Contains("Moved leaderships back to preferred replicas", cluster.Log);
        await ProduceAndVerifyAsync(cluster, topic, first: 60, count: 60);
    }

    private static Task<ClusterProcess> StartAsync(bool autoRebalance) => ClusterProcess.StartAsync(autoRebalance ? "rebalance" : "elect", new ClusterOptions
    {
        ReadyOn = ClusterListener.Client,
        Overrides =
        [
            .. FailoverClusterFixture.NodeOverrides,
            new("auto.leader.rebalance.enable", autoRebalance ? "true" : "false"),
            new("leader.imbalance.check.interval.seconds", "2"),
        ],
    });

    /// <summary>
    /// Creates the RF=3 topic, writes 60 acknowledged records, kills a broker that leads partitions (not the active
    /// controller, so no quorum election slows the test), waits until its leaderships have moved, restarts it and
    /// waits until it is back in every ISR. Returns the victim and the partitions it is the preferred leader of.
    /// </summary>
    private async Task<(ClusterNode Victim, HashSet<int> Preferred)> ImbalanceAsync(ClusterProcess cluster, string topic)
    {
        await KafkaTestClient.CreateTopicAsync(cluster.BootstrapServers, topic, Partitions, 3, new() { ["min.insync.replicas"] = "2" });
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, Partitions, isr: 3, Patience);
        await ProduceAndVerifyAsync(cluster, topic, first: 0, count: 60, verify: false);

        var (controller, _) = await ClusterProbe.QuorumLeaderAsync(cluster);
        var described = (await ClusterProbe.TopicAsync(cluster.Nodes[0], topic))!;
        var victim = cluster.Nodes.First(n => n.NodeId != controller && described.Partitions.Any(p => p.LeaderId == n.NodeId));
        var preferred = described.Partitions.Where(p => p.ReplicaNodes[0] == victim.NodeId).Select(p => p.PartitionIndex).ToHashSet();
        Assert.NotEmpty(preferred);
        Assert.All(described.Partitions, p => Assert.Equal(p.ReplicaNodes[0], p.LeaderId)); // created with preferred leaders
        output.WriteLine($"victim node {victim.NodeId}, preferred leader of partitions {string.Join(",", preferred)}");

        victim.Kill();
        await Eventually.HoldsAsync(async () => (await LeadersAsync(cluster, topic)).All(kv => kv.Value >= 0 && kv.Value != victim.NodeId),
            $"the leaderships of node {victim.NodeId} did not move after SIGKILL", Patience);
        await victim.RestartAsync();
        await Eventually.HoldsAsync(async () => await ClusterProbe.TopicAsync(cluster.Nodes.First(n => n != victim), topic) is { } t
                && t.Partitions.All(p => p.IsrNodes.Contains(victim.NodeId)),
            $"node {victim.NodeId} did not rejoin every ISR after its restart", Patience);
        return (victim, preferred);
    }

    /// <summary>Partition → leader, as a node other than a stopped one sees it.</summary>
    private static async Task<Dictionary<int, int>> LeadersAsync(ClusterProcess cluster, string topic)
    {
        var node = cluster.Nodes.First(n => n.IsRunning);
        var t = await ClusterProbe.TopicAsync(node, topic) ?? throw new TimeoutException($"node {node.NodeId} did not answer");
        return t.Partitions.ToDictionary(p => p.PartitionIndex, p => p.LeaderId);
    }

    /// <summary>Waits until every running node sees each partition led by its first replica.</summary>
    private static Task WaitForPreferredLeadersAsync(ClusterProcess cluster, string topic, string failure) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                if (await ClusterProbe.TopicAsync(node, topic) is not { ErrorCode: 0 } t || t.Partitions.Any(p => p.LeaderId != p.ReplicaNodes[0]))
                    return false;
            }
            return true;
        }, failure, Patience);

    /// <summary>
    /// Produces records first..first+count-1 with an idempotent acks=all producer (every one must be acknowledged);
    /// with <paramref name="verify"/>, reads the whole topic back and checks each record written so far is there exactly once.
    /// </summary>
    private static async Task ProduceAndVerifyAsync(ClusterProcess cluster, string topic, int first, int count, bool verify = true)
    {
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        using (var producer = KafkaTestClient.CreateProducer(config))
        {
            var sends = Enumerable.Range(first, count).Select(i => producer.ProduceAsync(new TopicPartition(topic, i % Partitions),
                new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)) }));
            await Task.WhenAll(sends);
        }
        if (!verify) return;
        var records = KafkaTestClient.ConsumeExactly(cluster.BootstrapServers, KafkaTestClient.Partitions(topic, Partitions), first + count);
        var values = records.Select(r => int.Parse(System.Text.Encoding.UTF8.GetString(r.Message.Value!), CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(0, first + count), values);
    }
}
