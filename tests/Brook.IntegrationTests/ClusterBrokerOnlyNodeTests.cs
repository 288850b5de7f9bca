using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// A broker-only node configured as Kafka's stock broker.properties is — controller.quorum.bootstrap.servers and no
/// controller.quorum.voters — learns the voters from a controller (DescribeQuorum v2, KIP-853), follows the metadata
/// log as an observer, registers and is listed to clients; a topic placed on it is served.
/// </summary>
public sealed class ClusterBrokerOnlyNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_broker_only_node_with_only_bootstrap_servers_learns_the_quorum_and_joins_the_cluster()
    {
        await using var cluster = await ClusterProcess.StartAsync("bootstrap-only");
        using var logs = new ClusterLogReporter(cluster, output);
        var bootstrap = cluster.Nodes[1];
        await using var broker = await BrokerOnlyNode.StartAsync(cluster, bootstrap, "bootstrap-only-n4", 4, Patience);
        var port = broker.Port;
        try
        {
            Assert.Contains($"Learned the controller quorum from {bootstrap.ControllerEndpoint}", broker.Log);

            // Registered and unfenced: the voters list it to clients, and the quorum knows it as an observer.
            await Eventually.HoldsAsync(() =>
            {
                using var admin = KafkaTestClient.CreateAdmin(cluster.Nodes[0].BootstrapServers);
                return Task.FromResult(admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Any(b => b.BrokerId == 4 && b.Port == port));
            }, "broker 4 is not listed by the cluster", Patience);
            var quorum = await ClusterProbe.DescribeQuorumAsync(cluster.Nodes[0]);
            Assert.Contains(quorum!.Observers, o => o.ReplicaId == 4);

            // A topic placed on it alone is served by it.
            var topic = KafkaTestClient.UniqueTopic("on-broker-4");
            using (var admin = KafkaTestClient.CreateAdmin(broker.BootstrapServers))
            {
                await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification
                {
                    Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [4] },
                }]);
            }
            using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(broker.BootstrapServers));
            var delivered = await producer.ProduceAsync(topic, new Confluent.Kafka.Message<byte[]?, byte[]?> { Value = [42] });
            Assert.Equal(Confluent.Kafka.PersistenceStatus.Persisted, delivered.Status);
        }
        finally
        {
            output.WriteLine(broker.Log);
        }
    }
}
