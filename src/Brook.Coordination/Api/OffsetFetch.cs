using Brook.Common;

namespace Brook.Coordination;

/// <summary>An OffsetFetch for one group: listed partitions, or all the group's offsets when <see cref="Partitions"/> is null.</summary>
public sealed record OffsetFetchArgs(string GroupId, IReadOnlyList<TopicPartition>? Partitions, bool RequireStable = false);

/// <summary>A committed offset, or offset -1 with metadata "" for a partition that has none.</summary>
public sealed record FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error);

/// <summary>The offsets of one group; <see cref="Error"/> is group-level (e.g. NOT_COORDINATOR) and then the list is empty.</summary>
public sealed record OffsetFetchResult(ErrorCode Error, IReadOnlyList<FetchedOffset> Offsets);
