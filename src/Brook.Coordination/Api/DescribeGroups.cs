using Brook.Common;

namespace Brook.Coordination;

/// <summary>A member as DescribeGroups shows it; metadata and assignment are empty unless the group is Stable.</summary>
public sealed record DescribedMember(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

/// <summary>
/// One group's description. A group this coordinator does not know comes back Dead with GROUP_ID_NOT_FOUND, which a
/// DescribeGroups handler for v0-v5 turns into error NONE (older clients expect a Dead group, not an error).
/// </summary>
public sealed record DescribedGroup(
    ErrorCode Error,
    string GroupId,
    GroupState State,
    string ProtocolType,
    string ProtocolName,
    IReadOnlyList<DescribedMember> Members);
