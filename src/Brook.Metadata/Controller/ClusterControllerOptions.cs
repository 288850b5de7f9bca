namespace Brook.Metadata;

/// <summary>Broker settings the controller applies when a request leaves them to the server.</summary>
public sealed class ClusterControllerOptions
{
    /// <summary>num.partitions: used when CreateTopics asks for -1 partitions.</summary>
    public int DefaultNumPartitions { get; init; } = 1;

    /// <summary>default.replication.factor: used when CreateTopics asks for replication factor -1.</summary>
    public short DefaultReplicationFactor { get; init; } = 1;

    /// <summary>cluster.id: written on the first start of a new cluster; null draws a random one.</summary>
    public string? ClusterId { get; init; }
}
