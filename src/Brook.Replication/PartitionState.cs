using System.Collections.Immutable;

namespace Brook.Replication;

/// <summary>
/// A partition's assignment as the controller last decided it: the leader and its epoch, the partition epoch (bumped
/// by every change, KIP-497's AlterPartition check), the replicas and the in-sync replicas. Immutable; a change
/// replaces the whole value.
/// </summary>
public sealed record PartitionState(int LeaderId, int LeaderEpoch, int PartitionEpoch, ImmutableArray<int> Replicas, ImmutableArray<int> Isr)
{
    /// <summary>The state of a partition before the controller's assignment is known.</summary>
    public static PartitionState None { get; } = new(-1, -1, -1, [], []);

    /// <summary>The replicas a reassignment is adding (KIP-455): followers still catching up to join the ISR.</summary>
    public ImmutableArray<int> AddingReplicas { get; init; } = [];
}
