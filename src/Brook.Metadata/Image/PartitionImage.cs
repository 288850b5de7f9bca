using System.Collections.Immutable;

namespace Brook.Metadata;

/// <summary>
/// One partition's replica placement and leadership. <see cref="LeaderEpoch"/> changes with every leader change;
/// <see cref="PartitionEpoch"/> with every change of any kind (Kafka's two epochs).
/// </summary>
public sealed record PartitionImage(
    int Index,
    int Leader,
    int LeaderEpoch,
    int PartitionEpoch,
    ImmutableArray<int> Replicas,
    ImmutableArray<int> Isr);
