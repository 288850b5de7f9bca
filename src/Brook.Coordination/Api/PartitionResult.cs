using Brook.Common;

namespace Brook.Coordination;

/// <summary>An error code for one partition of a per-partition response (OffsetCommit, OffsetDelete).</summary>
public sealed record PartitionResult(string Topic, int Partition, ErrorCode Error);
