using System.Collections.Immutable;
using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// One partition's replica placement and leadership. <see cref="LeaderEpoch"/> changes with every leader change;
/// <see cref="PartitionEpoch"/> with every change of any kind (Kafka's two epochs). While a reassignment runs
/// (KIP-455), <see cref="Replicas"/> is the target followed by the replicas being removed, and
/// <see cref="AddingReplicas"/> / <see cref="RemovingReplicas"/> name the difference.
/// </summary>
public sealed record PartitionImage(
    int Index,
    int Leader,
    int LeaderEpoch,
    int PartitionEpoch,
    ImmutableArray<int> Replicas,
    ImmutableArray<int> Isr)
{
    /// <summary>Replicas a running reassignment adds; empty when none runs.</summary>
    public ImmutableArray<int> AddingReplicas { get; init; } = [];

    /// <summary>Replicas a running reassignment removes once the adding ones are in sync; empty when none runs.</summary>
    public ImmutableArray<int> RemovingReplicas { get; init; } = [];

    /// <summary>The log directory of each replica whose broker reported one (KIP-858); only current replicas.</summary>
    public ImmutableArray<ReplicaDirectory> Directories { get; init; } = [];

    /// <summary>Eligible leader replicas (KIP-966): outside the ISR, yet known to hold every committed record.</summary>
    public ImmutableArray<int> Elr { get; init; } = [];

    /// <summary>The last leader, kept while the partition has none after its ISR emptied (KIP-966).</summary>
    public ImmutableArray<int> LastKnownElr { get; init; } = [];

    /// <summary>The directory.id <paramref name="brokerId"/>'s replica lives in, or <see cref="Uuid.Zero"/> (unassigned).</summary>
    public Uuid DirectoryOf(int brokerId)
    {
        foreach (var d in Directories)
            if (d.BrokerId == brokerId) return d.DirectoryId;
        return Uuid.Zero;
    }

    /// <summary>A reassignment of this partition is in progress.</summary>
    public bool IsReassigning => !AddingReplicas.IsEmpty || !RemovingReplicas.IsEmpty;

    /// <summary>The replicas a running reassignment ends with (all of them when none runs).</summary>
    public IEnumerable<int> TargetReplicas => Replicas.Where(r => !RemovingReplicas.Contains(r));

    /// <summary>
    /// This state as a record of topic <paramref name="topicId"/>; a change is written as
    /// <c>ToRecord(id) with { ... }</c>, so the fields a change does not touch (the reassignment among them) carry over.
    /// </summary>
    public PartitionRecord ToRecord(Uuid topicId) => new(topicId, Index, [.. Replicas], [.. Isr], Leader, LeaderEpoch, PartitionEpoch)
    {
        AddingReplicas = [.. AddingReplicas],
        RemovingReplicas = [.. RemovingReplicas],
        Directories = [.. Directories],
        EligibleLeaderReplicas = [.. Elr],
        LastKnownElr = [.. LastKnownElr],
    };
}
