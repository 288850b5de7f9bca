using Brook.Common.Config;
using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

public class MetadataImageTests
{
    private static readonly Uuid OrdersId = new(1, 1);
    private static readonly Uuid LogsId = new(2, 2);

    private static MetadataBatch Batch(long baseOffset, params MetadataRecord[] records) => new(baseOffset, records);

    [Fact]
    public void Empty_image()
    {
        var image = MetadataImage.Empty;
        Assert.Null(image.ClusterId);
        Assert.Equal(-1, image.Offset);
        Assert.Empty(image.Brokers);
        Assert.Empty(image.TopicsByName);
        Assert.Equal(0, image.NextProducerId);
    }

    [Fact]
    public void Replay_builds_the_described_state()
    {
        var image = MetadataImage.Replay(
        [
            Batch(0, new ClusterIdRecord("cluster-1"),
                new RegisterBrokerRecord(2, [new BrokerEndpoint("PLAINTEXT", "b2", 9092, SecurityProtocol.Plaintext)], null),
                new RegisterBrokerRecord(1, [new BrokerEndpoint("PLAINTEXT", "b1", 9092, SecurityProtocol.Plaintext)], "r1")),
            Batch(3, new TopicRecord("orders", OrdersId),
                new PartitionRecord(OrdersId, 0, [1, 2], [1, 2], 1, 0, 0),
                new PartitionRecord(OrdersId, 1, [2, 1], [2, 1], 2, 0, 0),
                new ConfigRecord(ConfigResourceType.Topic, "orders", "cleanup.policy", "compact")),
            Batch(7, new TopicRecord("__consumer_offsets", LogsId), new PartitionRecord(LogsId, 0, [1], [1], 1, 0, 0)),
            Batch(9, new ProducerIdsRecord(1, 1000), new ConfigRecord(ConfigResourceType.Broker, "1", "log.retention.ms", "5")),
        ]);

        Assert.Equal("cluster-1", image.ClusterId);
        Assert.Equal(10, image.Offset);
        Assert.Equal([1, 2], image.Brokers.Keys);
        Assert.Equal("r1", image.Brokers[1].Rack);
        Assert.Equal(2, image.Brokers[1].Epoch);
        Assert.Equal("b2", image.Brokers[2].FindEndpoint("PLAINTEXT")!.Host);
        Assert.Null(image.Brokers[2].FindEndpoint("SSL"));

        var orders = image.TopicsByName["orders"];
        Assert.Same(orders, image.TopicsById[OrdersId]);
        Assert.False(orders.IsInternal);
        Assert.Equal(2, orders.Partitions.Length);
        var p1 = orders.Partitions[1];
        Assert.Equal((1, 2, 0, 0), (p1.Index, p1.Leader, p1.LeaderEpoch, p1.PartitionEpoch));
        Assert.Equal(new[] { 2, 1 }, p1.Replicas);
        Assert.Equal(new[] { 2, 1 }, p1.Isr);
        Assert.Equal("compact", orders.Configs["cleanup.policy"]);
        Assert.True(image.TopicsByName["__consumer_offsets"].IsInternal);

        Assert.Equal(1000, image.NextProducerId);
        Assert.Equal("5", image.BrokerConfigs["1"]["log.retention.ms"]);
    }

    [Fact]
    public void Apply_leaves_the_old_image_untouched()
    {
        var before = MetadataImage.Empty.Apply(Batch(0, new TopicRecord("orders", OrdersId), new PartitionRecord(OrdersId, 0, [1], [1], 1, 0, 0)));
        var after = before.Apply(new PartitionRecord(OrdersId, 0, [1], [1], 1, 1, 1), 2);
        Assert.Equal(0, before.TopicsByName["orders"].Partitions[0].LeaderEpoch);
        Assert.Equal(1, after.TopicsByName["orders"].Partitions[0].LeaderEpoch);
        Assert.Equal(1, before.Offset);
        Assert.Equal(2, after.Offset);
    }

    [Fact]
    public void Config_null_value_deletes_and_remove_topic_drops_everything()
    {
        var image = MetadataImage.Replay(
        [
            Batch(0, new TopicRecord("orders", OrdersId), new PartitionRecord(OrdersId, 0, [1], [1], 1, 0, 0),
                new ConfigRecord(ConfigResourceType.Topic, "orders", "a", "1"),
                new ConfigRecord(ConfigResourceType.Topic, "orders", "b", "2")),
            Batch(4, new ConfigRecord(ConfigResourceType.Topic, "orders", "a", null),
                new ConfigRecord(ConfigResourceType.Broker, "", "x", "1"),
                new ConfigRecord(ConfigResourceType.Broker, "", "x", null)),
        ]);
        Assert.Equal(["b"], image.TopicsByName["orders"].Configs.Keys);
        Assert.Empty(image.BrokerConfigs);

        var removed = image.Apply(new RemoveTopicRecord(OrdersId), 7);
        Assert.Empty(removed.TopicsByName);
        Assert.Empty(removed.TopicsById);

        // The same name can be created again, with a new id and no configs left over.
        var recreated = removed.Apply(Batch(8, new TopicRecord("orders", LogsId)));
        Assert.Empty(recreated.TopicsByName["orders"].Configs);
        Assert.Equal(LogsId, recreated.TopicsByName["orders"].Id);
    }

    [Fact]
    public void Contradicting_records_are_refused()
    {
        var withTopic = MetadataImage.Empty.Apply(Batch(0, new ClusterIdRecord("c"), new TopicRecord("orders", OrdersId)));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new TopicRecord("orders", LogsId), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new PartitionRecord(LogsId, 0, [1], [1], 1, 0, 0), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new PartitionRecord(OrdersId, 3, [1], [1], 1, 0, 0), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new RemoveTopicRecord(LogsId), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new ConfigRecord(ConfigResourceType.Topic, "nope", "a", "1"), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new ClusterIdRecord("other"), 5));
        Assert.Throws<InvalidDataException>(() => withTopic.Apply(new TopicRecord("logs", LogsId), 1));
    }
}
