using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Decides a DeleteTopics request against one image: one result per request entry (same order) and a
/// <see cref="RemoveTopicRecord"/> per topic to delete.
/// </summary>
internal static class TopicDeletionPlanner
{
    public static (List<DeleteTopicResult> Results, List<MetadataRecord> Records) Plan(
        MetadataImage image, IReadOnlyList<(string? Name, Uuid? Id)> topics)
    {
        // The zero id is how DeleteTopics v6 says "named by name", so it counts as no id.
        static Uuid? IdOf((string? Name, Uuid? Id) t) => t.Id is { IsZero: false } id ? id : null;

        // An entry naming the same topic twice is ambiguous, as Kafka treats it: every such entry fails, none is deleted.
        var resolved = new (TopicImage? Topic, ErrorCode Code, string? Message)[topics.Count];
        var timesNamed = new Dictionary<Uuid, int>();
        for (var i = 0; i < topics.Count; i++)
        {
            var (name, _) = topics[i];
            var id = IdOf(topics[i]);
            if (name is not null && id is not null)
                resolved[i] = (null, ErrorCode.InvalidRequest, "Give either a topic name or a topic id, not both.");
            else if (id is { } topicId)
                resolved[i] = image.TopicsById.TryGetValue(topicId, out var t)
                    ? (t, ErrorCode.None, null)
                    : (null, ErrorCode.UnknownTopicId, $"Topic id {topicId} does not exist.");
            else if (name is not null)
                resolved[i] = image.TopicsByName.TryGetValue(name, out var t)
                    ? (t, ErrorCode.None, null)
                    : (null, ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");
            else
                resolved[i] = (null, ErrorCode.InvalidRequest, "Neither a topic name nor a topic id was given.");

            if (resolved[i].Topic is { } found) timesNamed[found.Id] = timesNamed.GetValueOrDefault(found.Id) + 1;
        }

        var results = new List<DeleteTopicResult>(topics.Count);
        var records = new List<MetadataRecord>();
        for (var i = 0; i < topics.Count; i++)
        {
            var (topic, code, message) = resolved[i];
            if (topic is null)
            {
                results.Add(new DeleteTopicResult(topics[i].Name, IdOf(topics[i]) ?? Uuid.Zero, code, message));
            }
            else if (timesNamed[topic.Id] > 1)
            {
                results.Add(new DeleteTopicResult(topics[i].Name, IdOf(topics[i]) ?? Uuid.Zero, ErrorCode.InvalidRequest,
                    $"Topic '{topic.Name}' appears more than once in the request."));
            }
            else
            {
                records.Add(new RemoveTopicRecord(topic.Id));
                results.Add(new DeleteTopicResult(topic.Name, topic.Id, ErrorCode.None, null));
            }
        }
        return (results, records);
    }
}
