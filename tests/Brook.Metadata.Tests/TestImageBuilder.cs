using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>Builds a metadata image for the planners' tests from brokers, topics and configs, by replaying their records.</summary>
internal sealed class TestImageBuilder(Uuid defaultTopicId)
{
    private readonly List<MetadataRecord> _records = [new ClusterIdRecord("c")];
    private long Offset => _records.Count - 1;
    private readonly Dictionary<int, long> _epochs = [];

    public TestImageBuilder Broker(int id, BrokerStatus status = BrokerStatus.Unfenced, string? rack = null)
    {
        _records.Add(new RegisterBrokerRecord(id, [new BrokerEndpoint("PLAINTEXT", $"b{id}", 9092, SecurityProtocol.Plaintext)], rack, Fenced: true));
        _epochs[id] = Offset;
        if (status != BrokerStatus.Fenced) _records.Add(new BrokerRegistrationChangeRecord(id, _epochs[id], status));
        return this;
    }

    /// <summary>Topic "t" with the default id; its partition records must carry that id.</summary>
    public TestImageBuilder Topic(params PartitionRecord[] partitions) => Topic("t", defaultTopicId, partitions);

    public TestImageBuilder Topic(string name, Uuid id, params PartitionRecord[] partitions)
    {
        _records.Add(new TopicRecord(name, id));
        _records.AddRange(partitions);
        return this;
    }

    public TestImageBuilder Config(string key, string value, bool cluster = false)
    {
        _records.Add(cluster ? new ConfigRecord(ConfigResourceType.Broker, "", key, value) : new ConfigRecord(ConfigResourceType.Topic, "t", key, value));
        return this;
    }

    public MetadataImage Build() => MetadataImage.Replay([new MetadataBatch(0, [.. _records])]);
}
