namespace Brook.Coordination;

/// <summary>One partition's offset to commit; a null metadata string is stored as "" as Kafka does.</summary>
public sealed record OffsetCommitEntry(string Topic, int Partition, long Offset, int LeaderEpoch = -1, string? Metadata = null);

/// <summary>
/// An OffsetCommit request. A simple consumer (manual assignment) or an admin tool commits with generation -1 and an
/// empty member id; that is accepted only while the group has no members.
/// </summary>
public sealed record OffsetCommitArgs
{
    public required string GroupId { get; init; }
    public int GenerationId { get; init; } = -1;
    public string MemberId { get; init; } = "";
    public string? GroupInstanceId { get; init; }
    public required IReadOnlyList<OffsetCommitEntry> Offsets { get; init; }

    /// <summary>
    /// OffsetCommit v2-v4's retention_time_ms: -1 (the default) leaves the offsets to offsets.retention.minutes; any
    /// other value gives them their own expiry, stored as the v1 record's expire timestamp.
    /// </summary>
    public long RetentionTimeMs { get; init; } = -1;
}
