namespace Brook.Coordination;

/// <summary>
/// Where a KIP-848 member stands in reconciling towards its target assignment. The numeric values are Kafka's, as
/// stored in the ConsumerGroupCurrentMemberAssignment record.
/// </summary>
public enum ConsumerMemberState : sbyte
{
    /// <summary>The member owns exactly its target assignment at the assignment epoch.</summary>
    Stable = 0,

    /// <summary>The member must give up partitions before it can move to the next epoch.</summary>
    UnrevokedPartitions = 1,

    /// <summary>The member reached the target epoch but waits for partitions other members have not released yet.</summary>
    UnreleasedPartitions = 2,

    /// <summary>A state written by a newer version; such a member is fenced and reconciles from scratch.</summary>
    Unknown = 127,
}
