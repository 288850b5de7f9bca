using Brook.Testing;
using Brook.Testing.Xunit;
using Confluent.Kafka;
using Xunit;
using Xunit.Abstractions;

namespace Brook.Testing.Sample.Tests;

/// <summary>A three-broker cluster (KRaft quorum, replication factor 3) shared by the tests of this class.</summary>
public sealed class ClusterTests(BrookClusterFixture cluster, ITestOutputHelper output) : IClassFixture<BrookClusterFixture>
{
    [Fact]
    public async Task ThreeBrokersServeAReplicatedTopic()
    {
        var topic = $"replicated-{Guid.NewGuid():N}";
        await cluster.CreateTopicAsync(topic, partitions: 3, config: new Dictionary<string, string> { ["min.insync.replicas"] = "2" });

        using var admin = cluster.CreateAdminClient();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        var described = metadata.Topics.Single(t => t.Topic == topic);
        Assert.All(described.Partitions, p => Assert.Equal(3, p.Replicas.Length));

        await cluster.ProduceAsync(topic, Enumerable.Range(0, 30).Select(i => new Message<string?, string> { Key = $"k{i}", Value = $"v{i}" }));
        Assert.Equal(30, (await cluster.ConsumeAsync(topic, count: 30)).Count);
    }

    [Fact]
    public async Task AcknowledgedRecordsSurviveTheLeadersStop()
    {
        var topic = $"failover-{Guid.NewGuid():N}";
        await cluster.CreateTopicAsync(topic, config: new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
        using var producer = cluster.CreateProducer<string, string>();
        for (var i = 0; i < 20; i++) await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"before-{i}" });

        using var admin = cluster.CreateAdminClient();
        var leader = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions[0].Leader;
        output.WriteLine($"stopping the leader, node {leader}");
        await cluster.Cluster.Node(leader).StopAsync();
        try
        {
            for (var i = 0; i < 20; i++) await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"after-{i}" });
            var values = (await cluster.ConsumeAsync(topic, count: 40, timeout: TimeSpan.FromSeconds(30))).Select(r => r.Message.Value).ToList();
            Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"before-{i}"), .. Enumerable.Range(0, 20).Select(i => $"after-{i}")], values);
        }
        finally
        {
            await cluster.Cluster.Node(leader).StartAsync();
            await cluster.Cluster.WaitForBrokersAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task AConsumerGroupAndATransactionWorkOnTheCluster()
    {
        var input = $"cluster-in-{Guid.NewGuid():N}";
        var outputTopic = $"cluster-out-{Guid.NewGuid():N}";
        var group = $"copier-{Guid.NewGuid():N}";
        await cluster.CreateTopicAsync(input, partitions: 2);
        await cluster.CreateTopicAsync(outputTopic);
        await cluster.ProduceAsync(input, Enumerable.Range(0, 10).Select(i => new Message<string?, string> { Key = $"k{i}", Value = $"v{i}" }));

        // Consume-transform-produce: the copies and the group's offsets commit in one transaction.
        using var consumer = cluster.CreateConsumer<string, string>(group, c =>
        {
            c.EnableAutoCommit = false;
            c.IsolationLevel = IsolationLevel.ReadCommitted;
        });
        using var producer = cluster.CreateProducer<string, string>(p => p.TransactionalId = $"copier-{Guid.NewGuid():N}");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        consumer.Subscribe(input);
        var copied = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        producer.BeginTransaction();
        while (copied < 10 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } result) continue;
            await producer.ProduceAsync(outputTopic, new Message<string, string> { Key = result.Message.Key, Value = result.Message.Value.ToUpperInvariant() });
            copied++;
        }
        producer.SendOffsetsToTransaction(consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))),
            consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(10, copied);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"V{i}").Order(), (await cluster.ConsumeAsync(outputTopic, count: 10)).Select(r => r.Message.Value).Order());
        await cluster.WaitForConsumerGroupLagAsync(group, TimeSpan.FromSeconds(30), maxLag: 0, input);
        consumer.Close();
    }
}
