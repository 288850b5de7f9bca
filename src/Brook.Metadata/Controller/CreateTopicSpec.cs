namespace Brook.Metadata;

/// <summary>
/// One topic of a CreateTopics request. -1 partitions or replication factor means "the broker default". With
/// <see cref="Assignments"/> both must be -1: the assignments fix the partition count and replicas themselves.
/// A null config value means "not set" (the default applies).
/// </summary>
public sealed record CreateTopicSpec(
    string Name,
    int NumPartitions = -1,
    short ReplicationFactor = -1,
    IReadOnlyDictionary<string, string?>? Configs = null,
    IReadOnlyList<ReplicaAssignment>? Assignments = null);
