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

    /// <summary>
    /// broker.session.timeout.ms: the active controller fences a broker it has not heard from for this long (Kafka's
    /// default is 9 s, several heartbeat intervals, so a GC pause or a lost heartbeat does not move leaderships).
    /// </summary>
    public TimeSpan BrokerSessionTimeout { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>unclean.leader.election.enable of the controller's static config: the default for topics without their own value.</summary>
    public bool UncleanLeaderElectionEnable { get; init; }

    /// <summary>eligible.leader.replicas.enable: track eligible leader replicas and the last known leader (KIP-966).</summary>
    public bool EligibleLeaderReplicasEnable { get; init; } = true;

    /// <summary>min.insync.replicas of the controller's static config: the default for topics without their own value.</summary>
    public int MinInsyncReplicas { get; init; } = 1;

    /// <summary>The election settings above as the planners take them.</summary>
    public ElectionPolicy Elections => new(UncleanLeaderElectionEnable, EligibleLeaderReplicasEnable, MinInsyncReplicas);
}
