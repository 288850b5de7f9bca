using Brook.Common;

namespace Brook.Metadata;

/// <summary>The outcome of an admin-requested election for one partition (ElectLeaders' per-partition result).</summary>
public sealed record ElectionResult(string Topic, int Partition, ErrorCode ErrorCode, string? ErrorMessage = null);
