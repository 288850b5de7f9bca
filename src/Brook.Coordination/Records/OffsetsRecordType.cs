namespace Brook.Coordination.Records;

/// <summary>
/// What a __consumer_offsets key names, decided by the key's leading int16 version (Kafka's coordinator record "api
/// key"): 0-2 belong to classic groups and offsets, 3-8 to KIP-848 consumer groups.
/// </summary>
public enum OffsetsRecordType
{
    /// <summary>Key versions 0 and 1: a committed offset of (group, topic, partition).</summary>
    OffsetCommit,

    /// <summary>Key version 2: the classic group's membership and assignment.</summary>
    GroupMetadata,

    /// <summary>Key version 3: a consumer group's epoch (and Brook's hash of its subscribed topics' metadata).</summary>
    ConsumerGroupMetadata,

    /// <summary>Key version 4: the subscribed topics' metadata, which Kafka 4.1+ replaced by a hash; read and ignored.</summary>
    ConsumerGroupPartitionMetadata,

    /// <summary>Key version 5: one member's subscription (group, member).</summary>
    ConsumerGroupMemberMetadata,

    /// <summary>Key version 6: the epoch of the group's target assignment.</summary>
    ConsumerGroupTargetAssignmentMetadata,

    /// <summary>Key version 7: one member's target assignment (group, member).</summary>
    ConsumerGroupTargetAssignmentMember,

    /// <summary>Key version 8: one member's current epoch and assignment, as reconciled (group, member).</summary>
    ConsumerGroupCurrentMemberAssignment,

    /// <summary>Any other version: records of protocols Brook does not implement (share and streams groups); skipped.</summary>
    Unknown,
}
