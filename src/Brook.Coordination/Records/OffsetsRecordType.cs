namespace Brook.Coordination.Records;

/// <summary>What a __consumer_offsets key names, decided by the key's leading int16 version.</summary>
public enum OffsetsRecordType
{
    /// <summary>Key versions 0 and 1: a committed offset of (group, topic, partition).</summary>
    OffsetCommit,

    /// <summary>Key version 2: the classic group's membership and assignment.</summary>
    GroupMetadata,

    /// <summary>Any other version: records of the KIP-848 consumer/share group protocols, which Brook skips.</summary>
    Unknown,
}
