using System.Globalization;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Eligible leader replicas (KIP-966) with real processes: a partition of replication factor 3 with
/// min.insync.replicas=2 loses its replicas one by one until none is left, and comes back led by the replica that left
/// its ISR below min ISR — clean, so nothing acknowledged is lost — as DescribeTopicPartitions shows it all along.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterEligibleLeaderReplicaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <remarks>
    /// Three voters (1-3) and two broker-only nodes (4, 5); the partition lives on [4, 5, 1] so that losing all of its
    /// replicas leaves the controller quorum (2 and 3) standing. 5 stops (the ISR is still at min ISR: not eligible),
    /// 1 stops cleanly (the ISR drops below min ISR: 1 becomes eligible), the leader 4 is SIGKILLed (the ISR empties:
    /// 4 is the last known leader, eligible too). Node 1 comes back and is elected from the ELR; acks=all produce is
    /// refused until the ISR is back at min ISR; node 4 comes back from its unclean shutdown and is no longer eligible;
    /// node 5 catches up, the ISR reaches min ISR and the lists clear; every acknowledged record is read back once.
    /// </remarks>
    [Fact]
    public async Task A_partition_that_lost_every_replica_comes_back_clean_through_its_eligible_leader_replicas()
    {
        await using var cluster = await ClusterProcess.StartAsync("elr", new ClusterOptions
        {
            BrokerOnlyNodes = 2,
            ReadyOn = ClusterListener.Client,
            Overrides = [.. FailoverClusterFixture.NodeOverrides],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var (n1, n4, n5) = (cluster.Node(1), cluster.Node(4), cluster.Node(5));
        var probe = cluster.Node(2);
        var topic = KafkaTestClient.UniqueTopic("elr");
        var tp = new TopicPartition(topic, 0);
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [4, 5, 1] },
                Configs = new() { ["min.insync.replicas"] = "2" },
            }]);
        }
        async Task<DescribeTopicPartitionsPartition> DescribeAsync() => new(await ClusterProbe.DescribeTopicPartitionAsync(probe, topic, 0));
        async Task<DescribeTopicPartitionsPartition> WaitForAsync(Func<DescribeTopicPartitionsPartition, bool> holds, string what)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                var last = await DescribeAsync();
                if (holds(last)) return last;
                Assert.True(DateTime.UtcNow < deadline, $"{what}; last seen {last}");
                await Task.Delay(200);
            }
        }
        await WaitForAsync(p => p is { Leader: 4, Isr.Count: 3 }, "the partition did not start with leader 4 and a full ISR");

        var ledger = new AcknowledgedRecordLedger();
        var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        config.EnableIdempotence = true;
        using var producer = KafkaTestClient.CreateProducer(config);
        var sent = 0;
        async Task ProduceAcknowledgedAsync(int count)
        {
            for (var i = 0; i < count; i++)
                producer.Produce(tp, new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes(NumberedStreamProducer.ValueOf(sent + i)) }, ledger.Record);
            sent += count;
            Assert.Equal(0, await Task.Run(() => producer.Flush(Patience)));
            Assert.Empty(ledger.Failures);
        }

        await ProduceAcknowledgedAsync(300);
        Assert.Equal(0, await n5.StopAsync(Patience));
        var p = await WaitForAsync(p => p.Isr.Count == 2, "node 5 did not leave the ISR");
        Assert.Empty(p.Elr); // the ISR is at min ISR: committing goes on without node 5
        await ProduceAcknowledgedAsync(300);

        // Committed on 4 and 1; give node 1 one more fetch so it knows the high watermark of all of it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await n1.StopAsync(Patience));
        p = await WaitForAsync(p => p.Isr.Count == 1, "node 1 did not leave the ISR");
        Assert.Equal([4], p.Isr);
        Assert.Equal([1], p.Elr);

        n4.Kill();
        p = await WaitForAsync(p => p.Isr.Count == 0, "the ISR did not empty once its last member was killed");
        Assert.Equal(-1, p.Leader);
        Assert.Equal([1, 4], p.Elr);
        Assert.Equal([4], p.LastKnownElr);

        // Node 1 shut down cleanly: it comes back eligible and is elected, alone in the ISR.
        await n1.RestartAsync();
        p = await WaitForAsync(p => p.Leader >= 0, "no leader was elected when the eligible node 1 came back");
        Assert.Equal(1, p.Leader);
        Assert.Equal([1], p.Isr);
        Assert.Equal([4], p.Elr);
        Assert.Empty(p.LastKnownElr);
        Assert.DoesNotContain($"Unclean leader election for {topic}-0", string.Concat(cluster.Nodes.Select(n => n.Log)));

        // Below min ISR acks=all is refused (NOT_ENOUGH_REPLICAS, retriable) and claims nothing.
        var refusedLedger = new AcknowledgedRecordLedger();
        var refusedConfig = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
        refusedConfig.MessageTimeoutMs = 3000;
        using (var refusing = KafkaTestClient.CreateProducer(refusedConfig))
        {
            refusing.Produce(tp, new Message<byte[]?, byte[]?> { Value = "below-min-isr"u8.ToArray() }, refusedLedger.Record);
            refusing.Flush(Patience);
        }
        var refused = Assert.Single(refusedLedger.Failures);
        output.WriteLine($"acks=all below min ISR: {refused.Error.Code} {refused.Error.Reason}");
        refusedLedger.AssertOnlyRetriableFailures();

        // Node 4 was killed: its registration says so, and it is no longer an eligible leader.
        var n4LogStart = n4.Process.LogLength;
        await n4.RestartAsync();
        await Eventually.HoldsAsync(() => cluster.Nodes.Any(n => n.Log.Contains("Broker 4 registered after an unclean shutdown", StringComparison.Ordinal)),
            "the controller did not notice node 4's unclean shutdown", Patience);
        await WaitForAsync(p => !p.Elr.Contains(4), "node 4 stayed an eligible leader after its unclean shutdown");

        // Back at min ISR the lists clear and committing resumes.
        await n5.RestartAsync();
        p = await WaitForAsync(p => p.Isr.Count >= 2, "the ISR did not grow back to min ISR");
        Assert.Empty(p.Elr);
        Assert.Empty(p.LastKnownElr);
        await ProduceAcknowledgedAsync(100);

        var read = await ledger.VerifyReadBackAsync(cluster.BootstrapServers, [tp]);
        Assert.Equal(sent, read[tp].Count);
        output.WriteLine($"{sent} records acknowledged, all read back once; node 4's log after restart:\n{n4.Process.LogSince(n4LogStart)}");
    }

    /// <summary>The parts of a DescribeTopicPartitions partition this test reads, printable.</summary>
    private sealed record DescribeTopicPartitionsPartition(int Leader, IReadOnlyList<int> Isr, IReadOnlyList<int> Elr, IReadOnlyList<int> LastKnownElr)
    {
        public DescribeTopicPartitionsPartition(Brook.Protocol.Messages.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition p)
            : this(p.LeaderId, [.. p.IsrNodes ?? []], [.. (p.EligibleLeaderReplicas ?? []).Order()], [.. p.LastKnownElr ?? []]) { }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"leader {Leader}, isr [{string.Join(",", Isr)}], elr [{string.Join(",", Elr)}], last known [{string.Join(",", LastKnownElr)}]");
    }
}
