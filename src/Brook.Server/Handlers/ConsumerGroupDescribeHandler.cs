using Brook.Common;
using Brook.Common.Security;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;
using Brook.Server.Security;

namespace Brook.Server.Handlers;

/// <summary>
/// ConsumerGroupDescribe v0-1 (KIP-848): epochs, assignor and members with their current and target assignments.
/// Classic groups answer GROUP_ID_NOT_FOUND so that admin clients fall back to DescribeGroups. v1 adds the member type
/// (KIP-1099); every member here speaks the consumer protocol.
/// </summary>
public sealed class ConsumerGroupDescribeHandler(GroupCoordinatorHost groups) : ApiHandler<ConsumerGroupDescribeRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ConsumerGroupDescribeRequest request)
    {
        var response = new ConsumerGroupDescribeResponse();
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
        {
            foreach (var id in request.GroupIds)
                response.Groups.Add(new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = id, ErrorCode = (short)ErrorCode.CoordinatorNotAvailable });
            return response;
        }
        foreach (var g in groups.Coordinator.DescribeConsumerGroups(request.GroupIds))
        {
            var group = new ConsumerGroupDescribeResponse.DescribedGroup
            {
                ErrorCode = (short)g.Error,
                ErrorMessage = g.ErrorMessage,
                GroupId = g.GroupId,
                GroupState = g.Error == ErrorCode.None ? GroupStates.Name(g.State) : "",
                GroupEpoch = g.GroupEpoch,
                AssignmentEpoch = g.AssignmentEpoch,
                AssignorName = g.AssignorName,
            };
            if (request.IncludeAuthorizedOperations)
                group.AuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Group, g.GroupId);
            foreach (var m in g.Members)
            {
                group.Members.Add(new ConsumerGroupDescribeResponse.Member
                {
                    MemberId = m.MemberId,
                    InstanceId = m.InstanceId,
                    RackId = m.RackId,
                    MemberEpoch = m.MemberEpoch,
                    ClientId = m.ClientId,
                    ClientHost = m.ClientHost,
                    SubscribedTopicNames = [.. m.SubscribedTopicNames],
                    SubscribedTopicRegex = m.SubscribedTopicRegex,
                    Assignment = ToWire(m.Assignment),
                    TargetAssignment = ToWire(m.TargetAssignment),
                    MemberType = ConsumerGroupDescribeResponse.Member.MemberTypeConsumer,
                });
            }
            response.Groups.Add(group);
        }
        return response;
    }

    private static ConsumerGroupDescribeResponse.MemberAssignment ToWire(IReadOnlyList<DescribedTopicPartitions> topics)
    {
        var assignment = new ConsumerGroupDescribeResponse.MemberAssignment();
        foreach (var t in topics)
            assignment.TopicPartitions.Add(new ConsumerGroupDescribeResponse.AssignedTopic { TopicId = t.TopicId, TopicName = t.TopicName, Partitions = [.. t.Partitions] });
        return assignment;
    }
}
