using System.Collections.Immutable;
using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Accumulates records on top of a base image and builds the next image. Topics touched by the records are rebuilt
/// once in <see cref="Build"/>, so replaying a long log (many partition records per topic) stays linear.
/// A record that contradicts the state (a partition of an unknown topic, offsets going backwards...) throws
/// <see cref="InvalidDataException"/>: the log is the truth, and an image built by skipping records would be a lie.
/// </summary>
public sealed class MetadataDelta
{
    private readonly MetadataImage _base;
    private readonly ImmutableSortedDictionary<int, BrokerRegistration>.Builder _brokers;
    private readonly ImmutableDictionary<string, TopicImage>.Builder _topicsByName;
    private readonly ImmutableDictionary<Uuid, TopicImage>.Builder _topicsById;
    private readonly ImmutableDictionary<string, IReadOnlyDictionary<string, string>>.Builder _brokerConfigs;
    private readonly Dictionary<Uuid, TopicBuilder> _changedTopics = [];
    private string? _clusterId;
    private long _offset;
    private long _nextProducerId;

    public MetadataDelta(MetadataImage image)
    {
        _base = image;
        _brokers = image.BrokersInternal.ToBuilder();
        _topicsByName = image.TopicsByNameInternal.ToBuilder();
        _topicsById = image.TopicsByIdInternal.ToBuilder();
        _brokerConfigs = image.BrokerConfigsInternal.ToBuilder();
        _clusterId = image.ClusterId;
        _offset = image.Offset;
        _nextProducerId = image.NextProducerId;
    }

    public void Replay(MetadataBatch batch)
    {
        for (var i = 0; i < batch.Records.Count; i++) Replay(batch.Records[i], batch.BaseOffset + i);
    }

    public void Replay(MetadataRecord record, long offset)
    {
        if (offset <= _offset)
            throw new InvalidDataException($"metadata record at offset {offset} does not follow offset {_offset}");
        Apply(record, offset);
        _offset = offset;
    }

    /// <summary>
    /// Replays a snapshot's records (see <see cref="MetadataImageRecords"/>): they describe the state at the snapshot's
    /// end rather than events at offsets of their own, so they carry no offsets and every registration names its epoch.
    /// Stamp the result with <see cref="Build(long)"/>.
    /// </summary>
    public void ReplaySnapshot(IReadOnlyList<MetadataRecord> records)
    {
        foreach (var record in records)
        {
            if (record is RegisterBrokerRecord { BrokerEpoch: < 0 } r)
                throw new InvalidDataException($"snapshot registration of broker {r.BrokerId} without a broker epoch");
            Apply(record, offset: -1);
        }
    }

    private void Apply(MetadataRecord record, long offset)
    {
        switch (record)
        {
            case ClusterIdRecord r: ReplayClusterId(r); break;
            case RegisterBrokerRecord r: ReplayRegisterBroker(r, offset); break;
            case BrokerRegistrationChangeRecord r: ReplayBrokerChange(r); break;
            case UnregisterBrokerRecord r: ReplayUnregisterBroker(r); break;
            case TopicRecord r: ReplayTopic(r); break;
            case PartitionRecord r: ReplayPartition(r); break;
            case ConfigRecord r: ReplayConfig(r); break;
            case RemoveTopicRecord r: ReplayRemoveTopic(r); break;
            case ProducerIdsRecord r: ReplayProducerIds(r); break;
            default: throw new InvalidDataException($"no replay rule for {record.GetType().Name}");
        }
    }

    /// <summary>The image, stamped as applied up to <paramref name="offset"/> (a snapshot's end - 1) when that is later.</summary>
    public MetadataImage Build(long offset)
    {
        if (offset > _offset) _offset = offset;
        return Build();
    }

    public MetadataImage Build()
    {
        foreach (var topic in _changedTopics.Values)
        {
            var image = topic.Build();
            _topicsByName[image.Name] = image;
            _topicsById[image.Id] = image;
        }
        _changedTopics.Clear();
        if (_offset == _base.Offset) return _base;
        return new MetadataImage(
            _clusterId,
            _offset,
            _brokers.ToImmutable(),
            _topicsByName.ToImmutable(),
            _topicsById.ToImmutable(),
            _brokerConfigs.ToImmutable(),
            _nextProducerId);
    }

    private void ReplayClusterId(ClusterIdRecord r)
    {
        if (_clusterId is not null && _clusterId != r.ClusterId)
            throw new InvalidDataException($"cluster id changes from {_clusterId} to {r.ClusterId}");
        _clusterId = r.ClusterId;
    }

    private void ReplayRegisterBroker(RegisterBrokerRecord r, long offset) =>
        _brokers[r.BrokerId] = new BrokerRegistration(r.BrokerId, [.. r.Endpoints], r.Rack, r.BrokerEpoch >= 0 ? r.BrokerEpoch : offset, r.Status);

    private void ReplayBrokerChange(BrokerRegistrationChangeRecord r)
    {
        if (!_brokers.TryGetValue(r.BrokerId, out var registration))
            throw new InvalidDataException($"state change of unregistered broker {r.BrokerId}");
        if (registration.Epoch != r.BrokerEpoch)
            throw new InvalidDataException($"state change of broker {r.BrokerId} for epoch {r.BrokerEpoch}, but it is registered at epoch {registration.Epoch}");
        _brokers[r.BrokerId] = registration with { Status = r.Status };
    }

    private void ReplayUnregisterBroker(UnregisterBrokerRecord r)
    {
        if (!_brokers.TryGetValue(r.BrokerId, out var registration) || registration.Epoch != r.BrokerEpoch)
            throw new InvalidDataException($"unregistration of broker {r.BrokerId} at epoch {r.BrokerEpoch}, which is not registered at that epoch");
        _brokers.Remove(r.BrokerId);
    }

    private void ReplayTopic(TopicRecord r)
    {
        if (_topicsById.ContainsKey(r.TopicId)) throw new InvalidDataException($"topic id {r.TopicId} is created twice");
        if (_topicsByName.ContainsKey(r.Name)) throw new InvalidDataException($"topic '{r.Name}' is created twice");
        var builder = new TopicBuilder(r.Name, r.TopicId);
        // Placeholder entries keep name and id lookups working for the records that follow; Build replaces them.
        var placeholder = builder.Build();
        _topicsByName[r.Name] = placeholder;
        _topicsById[r.TopicId] = placeholder;
        _changedTopics[r.TopicId] = builder;
    }

    private void ReplayPartition(PartitionRecord r)
    {
        var topic = Change(r.TopicId) ?? throw new InvalidDataException($"partition {r.PartitionIndex} of unknown topic id {r.TopicId}");
        var partition = new PartitionImage(r.PartitionIndex, r.Leader, r.LeaderEpoch, r.PartitionEpoch, [.. r.Replicas], [.. r.Isr])
        {
            AddingReplicas = [.. r.AddingReplicas],
            RemovingReplicas = [.. r.RemovingReplicas],
            // A replica that left (a reassignment ended, the replication factor dropped) takes its directory along.
            Directories = [.. r.Directories.Where(d => r.Replicas.Contains(d.BrokerId))],
            Elr = [.. r.EligibleLeaderReplicas],
            LastKnownElr = [.. r.LastKnownElr],
        };
        if (r.PartitionIndex < 0 || r.PartitionIndex > topic.Partitions.Count)
            throw new InvalidDataException($"partition {r.PartitionIndex} of topic '{topic.Name}' leaves a gap (it has {topic.Partitions.Count})");
        if (r.PartitionIndex == topic.Partitions.Count) topic.Partitions.Add(partition);
        else topic.Partitions[r.PartitionIndex] = partition;
    }

    private void ReplayConfig(ConfigRecord r)
    {
        switch (r.ResourceType)
        {
            case ConfigResourceType.Topic:
                var id = _topicsByName.TryGetValue(r.ResourceName, out var existing)
                    ? existing.Id
                    : throw new InvalidDataException($"config {r.Key} of unknown topic '{r.ResourceName}'");
                var topic = Change(id)!;
                if (r.Value is null) topic.Configs.Remove(r.Key);
                else topic.Configs[r.Key] = r.Value;
                break;
            case ConfigResourceType.Broker:
                var configs = _brokerConfigs.TryGetValue(r.ResourceName, out var current)
                    ? (ImmutableDictionary<string, string>)current
                    : ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
                configs = r.Value is null ? configs.Remove(r.Key) : configs.SetItem(r.Key, r.Value);
                if (configs.IsEmpty) _brokerConfigs.Remove(r.ResourceName);
                else _brokerConfigs[r.ResourceName] = configs;
                break;
            default:
                throw new InvalidDataException($"config record for unknown resource type {(sbyte)r.ResourceType}");
        }
    }

    private void ReplayRemoveTopic(RemoveTopicRecord r)
    {
        if (!_topicsById.TryGetValue(r.TopicId, out var topic))
            throw new InvalidDataException($"removal of unknown topic id {r.TopicId}");
        _topicsById.Remove(r.TopicId);
        _topicsByName.Remove(topic.Name);
        _changedTopics.Remove(r.TopicId);
    }

    private void ReplayProducerIds(ProducerIdsRecord r)
    {
        // Going backwards would hand out ids that are already in use.
        if (r.NextProducerId < _nextProducerId)
            throw new InvalidDataException($"next producer id moves back from {_nextProducerId} to {r.NextProducerId}");
        _nextProducerId = r.NextProducerId;
    }

    private TopicBuilder? Change(Uuid topicId)
    {
        if (_changedTopics.TryGetValue(topicId, out var builder)) return builder;
        if (!_topicsById.TryGetValue(topicId, out var topic)) return null;
        builder = new TopicBuilder(topic);
        _changedTopics[topicId] = builder;
        return builder;
    }

    /// <summary>A topic being changed by this delta; mutable until <see cref="Build"/>.</summary>
    private sealed class TopicBuilder
    {
        public TopicBuilder(string name, Uuid id)
        {
            Name = name;
            Id = id;
            Partitions = [];
            Configs = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal).ToBuilder();
        }

        public TopicBuilder(TopicImage topic)
        {
            Name = topic.Name;
            Id = topic.Id;
            Partitions = [.. topic.Partitions];
            Configs = topic.ConfigsInternal.ToBuilder();
        }

        public string Name { get; }
        public Uuid Id { get; }
        public List<PartitionImage> Partitions { get; }
        public ImmutableDictionary<string, string>.Builder Configs { get; }

        public TopicImage Build() => new(Name, Id, [.. Partitions], Configs.ToImmutable());
    }
}
