using Brook.Common;

namespace Brook.Coordination;

/// <summary>One group as ListGroups shows it; <see cref="GroupType"/> is "classic" or "consumer" (KIP-848).</summary>
public sealed record ListedGroup(string GroupId, string ProtocolType, GroupState State, string GroupType = "classic");

/// <summary>
/// The groups of every partition this broker coordinates. <see cref="Error"/> is COORDINATOR_LOAD_IN_PROGRESS while
/// some partition is still loading (the list then holds the groups of the loaded ones), as Kafka answers.
/// </summary>
public sealed record ListGroupsResult(ErrorCode Error, IReadOnlyList<ListedGroup> Groups);
