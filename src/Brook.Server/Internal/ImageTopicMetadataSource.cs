using Brook.Common;
using Brook.Coordination;
using Brook.Metadata;

namespace Brook.Server.Internal;

/// <summary>
/// Binds the group coordinator's view of topics to the broker's current metadata image. Each call reads the image
/// published last (an immutable snapshot), so it never blocks; consumer groups notice created topics and added
/// partitions on their members' next heartbeat.
/// </summary>
public sealed class ImageTopicMetadataSource(MetadataView metadata) : ITopicMetadataSource
{
    public bool TryGetTopic(string name, out Uuid id, out int partitions)
    {
        if (metadata.Image.TopicsByName.TryGetValue(name, out var topic))
        {
            id = topic.Id;
            partitions = topic.Partitions.Length;
            return true;
        }
        id = Uuid.Zero;
        partitions = 0;
        return false;
    }

    public bool TryGetTopic(Uuid id, out string name, out int partitions)
    {
        if (metadata.Image.TopicsById.TryGetValue(id, out var topic))
        {
            name = topic.Name;
            partitions = topic.Partitions.Length;
            return true;
        }
        name = "";
        partitions = 0;
        return false;
    }

    public IEnumerable<string> TopicNames
    {
        get
        {
            foreach (var topic in metadata.Image.TopicsByName.Values)
                if (!topic.IsInternal) yield return topic.Name;
        }
    }
}
