using Brook.Common;

namespace Brook.Metadata;

/// <summary>One partition of an AlterPartitionReassignments request: its new replica list, or null to cancel a running reassignment.</summary>
public sealed record ReassignmentSpec(string Topic, int Partition, IReadOnlyList<int>? TargetReplicas);

/// <summary>The answer for one partition of an AlterPartitionReassignments request.</summary>
public sealed record ReassignmentResult(string Topic, int Partition, ErrorCode ErrorCode, string? ErrorMessage = null);

/// <summary>A running reassignment as ListPartitionReassignments reports it: all replicas, and those being added and removed.</summary>
public sealed record OngoingReassignment(string Topic, int Partition, IReadOnlyList<int> Replicas, IReadOnlyList<int> AddingReplicas,
    IReadOnlyList<int> RemovingReplicas);
