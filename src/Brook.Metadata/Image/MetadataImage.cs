using System.Collections.Immutable;
using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// The cluster state after replaying the metadata log up to <see cref="Offset"/>. Immutable: readers keep whatever
/// image they picked up for as long as they like, and a change produces a new image via <see cref="MetadataDelta"/>.
/// </summary>
public sealed class MetadataImage
{
    /// <summary>The image of an empty log.</summary>
    public static MetadataImage Empty { get; } = new(
        null,
        -1,
        ImmutableSortedDictionary<int, BrokerRegistration>.Empty,
        ImmutableDictionary<string, TopicImage>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<Uuid, TopicImage>.Empty,
        ImmutableDictionary<string, IReadOnlyDictionary<string, string>>.Empty.WithComparers(StringComparer.Ordinal),
        0);

    internal MetadataImage(
        string? clusterId,
        long offset,
        ImmutableSortedDictionary<int, BrokerRegistration> brokers,
        ImmutableDictionary<string, TopicImage> topicsByName,
        ImmutableDictionary<Uuid, TopicImage> topicsById,
        ImmutableDictionary<string, IReadOnlyDictionary<string, string>> brokerConfigs,
        long nextProducerId)
    {
        ClusterId = clusterId;
        Offset = offset;
        BrokersInternal = brokers;
        TopicsByNameInternal = topicsByName;
        TopicsByIdInternal = topicsById;
        BrokerConfigsInternal = brokerConfigs;
        NextProducerId = nextProducerId;
    }

    internal ImmutableSortedDictionary<int, BrokerRegistration> BrokersInternal { get; }
    internal ImmutableDictionary<string, TopicImage> TopicsByNameInternal { get; }
    internal ImmutableDictionary<Uuid, TopicImage> TopicsByIdInternal { get; }
    internal ImmutableDictionary<string, IReadOnlyDictionary<string, string>> BrokerConfigsInternal { get; }

    /// <summary>The cluster id, null only before the first start wrote it.</summary>
    public string? ClusterId { get; }

    /// <summary>Offset of the last record applied; -1 for the empty image.</summary>
    public long Offset { get; }

    /// <summary>Registered brokers by id, enumerated in ascending id order.</summary>
    public IReadOnlyDictionary<int, BrokerRegistration> Brokers => BrokersInternal;

    public IReadOnlyDictionary<string, TopicImage> TopicsByName => TopicsByNameInternal;
    public IReadOnlyDictionary<Uuid, TopicImage> TopicsById => TopicsByIdInternal;

    /// <summary>Broker config overrides by resource name: the broker id as text, or "" for the cluster-wide default.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> BrokerConfigs => BrokerConfigsInternal;

    /// <summary>The first producer id not yet handed out in any block.</summary>
    public long NextProducerId { get; }

    /// <summary>The image after one more record at <paramref name="offset"/>.</summary>
    public MetadataImage Apply(MetadataRecord record, long offset)
    {
        var delta = new MetadataDelta(this);
        delta.Replay(record, offset);
        return delta.Build();
    }

    /// <summary>The image after one more batch.</summary>
    public MetadataImage Apply(MetadataBatch batch)
    {
        var delta = new MetadataDelta(this);
        delta.Replay(batch);
        return delta.Build();
    }

    /// <summary>The image a log holding exactly <paramref name="batches"/> describes.</summary>
    public static MetadataImage Replay(IEnumerable<MetadataBatch> batches)
    {
        var delta = new MetadataDelta(Empty);
        foreach (var batch in batches) delta.Replay(batch);
        return delta.Build();
    }
}
