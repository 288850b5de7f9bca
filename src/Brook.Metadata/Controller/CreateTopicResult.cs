using Brook.Common;

namespace Brook.Metadata;

/// <summary>
/// The outcome for one topic of a CreateTopics request. On error the id is zero, the counts are -1 and
/// <see cref="Configs"/> is null; on success <see cref="Configs"/> holds the configs set on the topic (not the defaults).
/// A validate-only success has a zero id because no topic was created.
/// </summary>
public sealed record CreateTopicResult(
    string Name,
    Uuid TopicId,
    ErrorCode ErrorCode,
    string? ErrorMessage,
    int NumPartitions,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string>? Configs)
{
    internal static CreateTopicResult Error(string name, ErrorCode code, string message) => new(name, Uuid.Zero, code, message, -1, -1, null);
}
