using Brook.Common;

namespace Brook.Coordination;

/// <summary>The partitions of one topic in a described assignment, with the topic's current name.</summary>
public sealed record DescribedTopicPartitions(Uuid TopicId, string TopicName, IReadOnlyList<int> Partitions);

/// <summary>One member of a consumer group as ConsumerGroupDescribe shows it.</summary>
public sealed record DescribedConsumerGroupMember(
    string MemberId,
    string? InstanceId,
    string? RackId,
    int MemberEpoch,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopicNames,
    string? SubscribedTopicRegex,
    IReadOnlyList<DescribedTopicPartitions> Assignment,
    IReadOnlyList<DescribedTopicPartitions> TargetAssignment);

/// <summary>
/// One group's ConsumerGroupDescribe answer. A classic group, or a group this coordinator does not know, comes back
/// with GROUP_ID_NOT_FOUND, which admin clients take as "try DescribeGroups instead".
/// </summary>
public sealed record DescribedConsumerGroup(
    ErrorCode Error,
    string? ErrorMessage,
    string GroupId,
    GroupState State,
    int GroupEpoch,
    int AssignmentEpoch,
    string AssignorName,
    IReadOnlyList<DescribedConsumerGroupMember> Members);
