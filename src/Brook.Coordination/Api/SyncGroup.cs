using Brook.Common;

namespace Brook.Coordination;

/// <summary>A member's assignment as sent by the leader in SyncGroup.</summary>
public sealed record MemberAssignment(string MemberId, byte[] Assignment);

/// <summary>A SyncGroup request. Only the leader sends <see cref="Assignments"/>; followers send none.</summary>
public sealed record SyncGroupArgs
{
    public required string GroupId { get; init; }
    public required int GenerationId { get; init; }
    public required string MemberId { get; init; }
    public string? GroupInstanceId { get; init; }

    /// <summary>SyncGroup v5+ carries the protocol type and name; a mismatch is INCONSISTENT_GROUP_PROTOCOL. Null skips the check.</summary>
    public string? ProtocolType { get; init; }
    public string? ProtocolName { get; init; }

    public IReadOnlyList<MemberAssignment> Assignments { get; init; } = [];
}

/// <summary>The SyncGroup response: this member's assignment bytes.</summary>
public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment)
{
    public static SyncGroupResult Failed(ErrorCode error) => new(error, null, null, []);
}
