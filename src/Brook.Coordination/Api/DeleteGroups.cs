using Brook.Common;

namespace Brook.Coordination;

/// <summary>One group's DeleteGroups outcome: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, or NONE once its tombstones are durable.</summary>
public sealed record DeletedGroup(string GroupId, ErrorCode Error);
