using Brook.Common;

namespace Brook.Metadata.Records;

/// <summary>The log directory (its directory.id, KIP-858) that one replica of a partition lives in on its broker.</summary>
public readonly record struct ReplicaDirectory(int BrokerId, Uuid DirectoryId);
