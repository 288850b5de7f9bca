namespace Brook.Metadata;

/// <summary>A manual replica list for one partition of a topic being created; the first broker becomes the leader.</summary>
public sealed record ReplicaAssignment(int PartitionIndex, IReadOnlyList<int> BrokerIds);
