using Brook.Testing;
using Brook.Testing.NUnit;
using Confluent.Kafka;
using NUnit.Framework;

namespace Brook.Testing.Sample.NUnitTests;

/// <summary>The NUnit way: the fixture derives from <see cref="BrookBrokerTest"/> and its tests share the broker.</summary>
[TestFixture]
public sealed class OrdersTests : BrookBrokerTest
{
    [Test]
    public async Task RecordsProducedAreConsumedAndTheGroupCatchesUp()
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        var group = $"shipping-{Guid.NewGuid():N}";
        await this.CreateTopicAsync(topic, partitions: 2);
        await this.ProduceAsync(topic, Enumerable.Range(0, 10).Select(i => new Message<string?, string> { Key = $"o{i}", Value = $"order {i}" }));

        using var consumer = this.CreateConsumer<string, string>(group);
        consumer.Subscribe(topic);
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < 10 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result) values.Add(result.Message.Value);
        consumer.Commit();

        Assert.That(values, Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => $"order {i}")));
        var lag = await this.WaitForConsumerGroupLagAsync(group, TimeSpan.FromSeconds(30), maxLag: 0, topic);
        Assert.That(lag.Total, Is.Zero);
        consumer.Close();
    }
}

/// <summary>A three-broker cluster for a fixture: <see cref="BrookClusterTest"/>.</summary>
[TestFixture]
public sealed class ReplicatedOrdersTests : BrookClusterTest
{
    [Test]
    public async Task ATopicIsReplicatedOnEveryBroker()
    {
        var topic = $"replicated-{Guid.NewGuid():N}";
        await this.CreateTopicAsync(topic, partitions: 2);
        using var admin = this.CreateAdminClient();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        Assert.That(partitions.Select(p => p.Replicas.Length), Is.All.EqualTo(3));

        await this.ProduceAsync(topic, "k", "replicated");
        Assert.That((await this.ConsumeAsync(topic, count: 1)).Single().Message.Value, Is.EqualTo("replicated"));
    }
}
