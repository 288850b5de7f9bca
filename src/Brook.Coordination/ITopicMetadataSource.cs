using Brook.Common;

namespace Brook.Coordination;

/// <summary>
/// What the KIP-848 coordinator needs to know about topics: names, ids and partition counts, as of now. The host binds
/// it to the cluster's metadata image. Consumer groups compare a hash of their subscribed topics' metadata on every
/// heartbeat, so created topics and added partitions reach the assignment without any notification.
/// </summary>
/// <remarks>Called while the coordinator holds its lock: an implementation must answer from memory, never block or call back.</remarks>
public interface ITopicMetadataSource
{
    bool TryGetTopic(string name, out Uuid id, out int partitions);

    bool TryGetTopic(Uuid id, out string name, out int partitions);

    /// <summary>Every topic a regex subscription may match: internal topics (__consumer_offsets, …) left out.</summary>
    IEnumerable<string> TopicNames { get; }
}

/// <summary>A source that knows no topics: consumer groups then join but get nothing assigned.</summary>
public sealed class NoTopics : ITopicMetadataSource
{
    public static readonly NoTopics Instance = new();

    public bool TryGetTopic(string name, out Uuid id, out int partitions)
    {
        id = Uuid.Zero;
        partitions = 0;
        return false;
    }

    public bool TryGetTopic(Uuid id, out string name, out int partitions)
    {
        name = "";
        partitions = 0;
        return false;
    }

    public IEnumerable<string> TopicNames => [];
}
