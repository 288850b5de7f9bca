using Brook.Common;

namespace Brook.Coordination;

/// <summary>One protocol a member can speak (e.g. "range" for protocol type "consumer") and its metadata for it.</summary>
public readonly record struct GroupProtocol(string Name, byte[] Metadata);

/// <summary>A JoinGroup request, independent of its wire version. Byte arrays are owned by the coordinator afterwards.</summary>
public sealed record JoinGroupArgs
{
    public required string GroupId { get; init; }

    /// <summary>"" for a member joining for the first time.</summary>
    public string MemberId { get; init; } = "";

    /// <summary>group.instance.id of a static member (KIP-345), null for a dynamic one.</summary>
    public string? GroupInstanceId { get; init; }

    public required string ProtocolType { get; init; }
    public required IReadOnlyList<GroupProtocol> Protocols { get; init; }
    public required int SessionTimeoutMs { get; init; }

    /// <summary>JoinGroup v0 has none; pass the session timeout, as Kafka does.</summary>
    public required int RebalanceTimeoutMs { get; init; }

    /// <summary>The request header's client id and the peer address; stored with the member and shown by DescribeGroups.</summary>
    public string ClientId { get; init; } = "";
    public string ClientHost { get; init; } = "";

    public string? Reason { get; init; }

    /// <summary>
    /// JoinGroup v4+ (KIP-394): a new dynamic member first gets MEMBER_ID_REQUIRED with an assigned id and must rejoin
    /// with it, so that a client retrying after a timeout does not add ghost members.
    /// </summary>
    public bool RequireKnownMemberId { get; init; }

    /// <summary>JoinGroup v9+ (KIP-814): a static leader that rejoins may be told to skip computing a new assignment.</summary>
    public bool SupportsSkipAssignment { get; init; }
}

/// <summary>A member as the leader sees it in its JoinGroup response: its metadata for the selected protocol.</summary>
public sealed record JoinGroupMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>The JoinGroup response. <see cref="Members"/> is non-empty only for the leader.</summary>
public sealed record JoinGroupResult(
    ErrorCode Error,
    string MemberId,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string Leader,
    bool SkipAssignment,
    IReadOnlyList<JoinGroupMember> Members)
{
    public static JoinGroupResult Failed(ErrorCode error, string memberId = "") =>
        new(error, memberId, -1, null, null, "", false, []);
}
