using Brook.Common.Config;
using Brook.Storage;

namespace Brook.Replication;

/// <summary>The effective per-topic settings a partition needs on its hot paths, resolved from topic and broker configs.</summary>
/// <param name="Log">Segment, index and flush settings of the partition's log.</param>
/// <param name="MaxMessageBytes">max.message.bytes: the largest batch accepted.</param>
/// <param name="LogAppendTime">message.timestamp.type=LogAppendTime: the broker stamps its clock on every batch.</param>
/// <param name="TimestampBeforeMaxMs">message.timestamp.before.max.ms: how far in the past a CreateTime timestamp may be.</param>
/// <param name="TimestampAfterMaxMs">message.timestamp.after.max.ms: how far in the future a CreateTime timestamp may be.</param>
/// <param name="Compacted">cleanup.policy contains compact: every record needs a key.</param>
/// <param name="MinInsyncReplicas">min.insync.replicas: in-sync replicas an acks=all produce needs.</param>
/// <param name="LeaderThrottledReplicas">leader.replication.throttled.replicas (null: none).</param>
/// <param name="FollowerThrottledReplicas">follower.replication.throttled.replicas (null: none).</param>
public sealed record PartitionSettings(
    LogConfig Log,
    int MaxMessageBytes,
    bool LogAppendTime,
    long TimestampBeforeMaxMs = long.MaxValue,
    long TimestampAfterMaxMs = long.MaxValue,
    bool Compacted = false,
    int MinInsyncReplicas = 1,
    ThrottledReplicas? LeaderThrottledReplicas = null,
    ThrottledReplicas? FollowerThrottledReplicas = null)
{
    /// <summary>leader.replication.throttled.replicas.</summary>
    public ThrottledReplicas LeaderThrottledReplicas { get; init; } = LeaderThrottledReplicas ?? ThrottledReplicas.None;

    /// <summary>follower.replication.throttled.replicas.</summary>
    public ThrottledReplicas FollowerThrottledReplicas { get; init; } = FollowerThrottledReplicas ?? ThrottledReplicas.None;

    /// <summary>brook.balancer.enable: the replicas a reassignment is adding count as throttled replicas too.</summary>
    public bool ThrottleAddingReplicas { get; init; }

    /// <summary>
    /// eligible.leader.replicas.enable (KIP-966): the leader does not advance the high watermark while its ISR is below
    /// min.insync.replicas (capped at the replica count), so every replica that leaves an ISR below it still holds
    /// each committed record and stays eligible to lead.
    /// </summary>
    public bool StrictMinIsr { get; init; }
}
