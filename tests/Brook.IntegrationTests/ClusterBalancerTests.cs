using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Continuous balancing (issue 10, scenario 3) on three real combined nodes and a fourth, broker-only node: with
/// brook.balancer.enable switched on at run time, the new broker receives replicas until the counts are even; with
/// brook.balancer.decommission.brokers naming it, every replica leaves it again, and once it has stopped the balancer
/// unregisters it. An idempotent acks=all stream runs throughout and every acknowledged record is read back once.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterBalancerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const int Partitions = 6;

    [Fact]
    public async Task A_joining_broker_receives_replicas_and_a_decommissioned_one_is_emptied_then_unregistered()
    {
        await using var cluster = await ClusterProcess.StartAsync("balancer", new ClusterOptions
        {
            ReadyOn = ClusterListener.Client,
            Overrides = [.. FailoverClusterFixture.NodeOverrides, new("brook.balancer.check.interval.ms", "500")],
        });
        using var logs = new ClusterLogReporter(cluster, output);
        var topic = KafkaTestClient.UniqueTopic("balance");
        using (var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = Partitions, ReplicationFactor = 2 }]);
        await ClusterProbe.WaitForTopicEverywhereAsync(cluster, topic, Partitions, isr: 2, Patience);

        await using var broker = await BrokerOnlyNode.StartAsync(cluster, cluster.Nodes[0], "balancer-n4", 4, Patience,
            [.. FailoverClusterFixture.NodeOverrides, new("brook.balancer.check.interval.ms", "500")]);
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(Replicas(cluster, topic) is not null && BrokerListed(cluster, 4)),
                "broker 4 is not listed by the cluster", Patience);

            var ledger = new AcknowledgedRecordLedger();
            var partitions = KafkaTestClient.Partitions(topic, Partitions).ToList();
            var config = KafkaTestClient.ProducerConfig(cluster.BootstrapServers);
            config.EnableIdempotence = true;
            config.MessageTimeoutMs = 60_000;
            await using (var stream = new NumberedStreamProducer(config, ledger, partitions))
            {
                stream.Start(perTick: 1, tick: TimeSpan.FromMilliseconds(10));
                await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 50, "the stream did not get going", Patience);
                // Off by default: broker 4 gets nothing until the balancer is switched on.
                await Task.Delay(TimeSpan.FromSeconds(2));
                Assert.DoesNotContain(Replicas(cluster, topic)!.Values, r => r.Contains(4));

                await ClusterDefaults.SetAsync(cluster.Nodes[1], ("brook.balancer.enable", "true"));
                await Eventually.HoldsAsync(() =>
                {
                    var counts = Counts(Replicas(cluster, topic));
                    return Task.FromResult(counts is not null && counts.GetValueOrDefault(4) == 3 && counts.Values.All(c => c == 3));
                }, "the replicas did not spread evenly to broker 4", Patience);
                Assert.Contains("Balancer: moving", cluster.Log);

                await ClusterDefaults.SetAsync(cluster.Nodes[2], ("brook.balancer.decommission.brokers", "4"));
                await Eventually.HoldsAsync(() =>
                {
                    var replicas = Replicas(cluster, topic);
                    return Task.FromResult(replicas is not null && replicas.Values.All(r => !r.Contains(4) && r.Count == 2));
                }, "the replicas did not leave the decommissioned broker 4", Patience);
                await Eventually.HoldsAsync(() => ledger.AcknowledgedCount >= 300, "the stream stalled", Patience);
                Assert.Equal(0, await stream.StopAsync(Patience));
            }

            await broker.StopAsync();
            await Eventually.HoldsAsync(() => Task.FromResult(cluster.Log.Contains("Balancer: unregistered broker 4", StringComparison.Ordinal)),
                "the balancer did not unregister the stopped, empty broker 4", Patience);
            ledger.AssertOnlyRetriableFailures();
            await ledger.VerifyReadBackAsync(cluster.BootstrapServers, partitions);
        }
        finally
        {
            output.WriteLine(broker.Log);
        }
    }

    private static Dictionary<int, List<int>>? Replicas(ClusterProcess cluster, string topic)
    {
        using var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers);
        var t = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.SingleOrDefault();
        return t is null || t.Error.IsError || t.Partitions.Count != Partitions ? null : t.Partitions.ToDictionary(p => p.PartitionId, p => p.Replicas.ToList());
    }

    private static Dictionary<int, int>? Counts(Dictionary<int, List<int>>? replicas) =>
        replicas?.Values.SelectMany(r => r).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    private static bool BrokerListed(ClusterProcess cluster, int id)
    {
        using var admin = KafkaTestClient.CreateAdmin(cluster.BootstrapServers);
        return admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Any(b => b.BrokerId == id);
    }
}
