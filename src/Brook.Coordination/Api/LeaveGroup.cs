using Brook.Common;

namespace Brook.Coordination;

/// <summary>
/// A member to remove. LeaveGroup v3+ (KIP-345) batches them and lets an admin remove a static member by instance id
/// alone, with an empty member id.
/// </summary>
public sealed record LeavingMember(string MemberId, string? GroupInstanceId = null, string? Reason = null);

public sealed record LeaveGroupArgs(string GroupId, IReadOnlyList<LeavingMember> Members);

/// <summary>Per-member outcome of a LeaveGroup (for v0-v2 the single member's error is the response's error).</summary>
public sealed record LeftMember(string MemberId, string? GroupInstanceId, ErrorCode Error);

public sealed record LeaveGroupResult(ErrorCode Error, IReadOnlyList<LeftMember> Members);
