using Brook.Storage;

namespace Brook.Replication;

/// <summary>The effective per-topic settings a partition needs on its hot paths, resolved from topic and broker configs.</summary>
public sealed record PartitionSettings(LogConfig Log, int MaxMessageBytes, bool LogAppendTime);
