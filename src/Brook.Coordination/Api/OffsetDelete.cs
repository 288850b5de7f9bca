using Brook.Common;

namespace Brook.Coordination;

/// <summary>The OffsetDelete response: a group-level error, else one per partition (GROUP_SUBSCRIBED_TO_TOPIC for topics in use).</summary>
public sealed record OffsetDeleteResult(ErrorCode Error, IReadOnlyList<PartitionResult> Partitions);
