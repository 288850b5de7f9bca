using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// An image written out as the records that rebuild it — the content of a metadata snapshot (KIP-630). Replaying them
/// with <see cref="MetadataDelta.ReplaySnapshot"/> onto an empty image gives back the same state: the cluster id, every
/// registration with its epoch and status, broker configs, every topic with its partitions and configs, and the next
/// producer id. The order is fixed (and topics sorted by name), so two nodes snapshotting the same image write the same
/// records.
/// </summary>
public static class MetadataImageRecords
{
    public static IReadOnlyList<MetadataRecord> From(MetadataImage image)
    {
        var records = new List<MetadataRecord>();
        if (image.ClusterId is { } clusterId) records.Add(new ClusterIdRecord(clusterId));
        foreach (var broker in image.Brokers.Values)
            records.Add(new RegisterBrokerRecord(broker.Id, [.. broker.Endpoints], broker.Rack,
                Fenced: broker.Status == BrokerStatus.Fenced, BrokerEpoch: broker.Epoch,
                InControlledShutdown: broker.Status == BrokerStatus.ControlledShutdown));
        foreach (var (resource, configs) in image.BrokerConfigs.OrderBy(c => c.Key, StringComparer.Ordinal))
            AddConfigs(records, ConfigResourceType.Broker, resource, configs);
        foreach (var topic in image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            records.Add(new TopicRecord(topic.Name, topic.Id));
            foreach (var p in topic.Partitions)
                records.Add(p.ToRecord(topic.Id));
            AddConfigs(records, ConfigResourceType.Topic, topic.Name, topic.Configs);
        }
        // The broker id of a producer-id block only matters when it is handed out; the snapshot keeps the bound.
        if (image.NextProducerId > 0) records.Add(new ProducerIdsRecord(-1, image.NextProducerId));
        return records;
    }

    private static void AddConfigs(List<MetadataRecord> records, ConfigResourceType type, string resource, IReadOnlyDictionary<string, string> configs)
    {
        foreach (var (key, value) in configs.OrderBy(c => c.Key, StringComparer.Ordinal))
            records.Add(new ConfigRecord(type, resource, key, value));
    }
}
