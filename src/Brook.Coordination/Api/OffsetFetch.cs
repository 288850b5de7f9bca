using Brook.Common;

namespace Brook.Coordination;

/// <summary>
/// An OffsetFetch for one group: listed partitions, or all the group's offsets when <see cref="Partitions"/> is null.
/// OffsetFetch v9+ sends the member id and epoch of a consumer-group member (KIP-848), which are then validated
/// (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH); null and -1 (admin tools, classic members) skip the check.
/// </summary>
public sealed record OffsetFetchArgs(string GroupId, IReadOnlyList<TopicPartition>? Partitions, bool RequireStable = false,
    string? MemberId = null, int MemberEpoch = -1);

/// <summary>A committed offset, or offset -1 with metadata "" for a partition that has none.</summary>
public sealed record FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error);

/// <summary>The offsets of one group; <see cref="Error"/> is group-level (e.g. NOT_COORDINATOR) and then the list is empty.</summary>
public sealed record OffsetFetchResult(ErrorCode Error, IReadOnlyList<FetchedOffset> Offsets);
