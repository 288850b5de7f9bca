using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// One partition's planned leader/ISR change: its state before and the record that replaces it. <see cref="Unclean"/>
/// marks a leader elected from outside the ISR (unclean.leader.election.enable), which may have lost committed records.
/// </summary>
public sealed record PartitionChange(TopicImage Topic, PartitionImage Before, PartitionRecord After, bool Unclean)
{
    public override string ToString() =>
        $"{Topic.Name}-{Before.Index}: leader {Before.Leader} -> {After.Leader} (epoch {After.LeaderEpoch}), " +
        $"isr [{string.Join(",", Before.Isr)}] -> [{string.Join(",", After.Isr)}]{(Unclean ? " UNCLEAN" : "")}";
}
