using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// ConsumerGroupHeartbeat v0-1 (KIP-848): the consumer protocol's one request for joining, heartbeating, reconciling
/// and leaving. v1 adds regex subscriptions and client-generated member ids (KIP-1082); empty member ids of v0 clients
/// are still answered with a generated one.
/// </summary>
public sealed class ConsumerGroupHeartbeatHandler(GroupCoordinatorHost groups) : ApiHandler<ConsumerGroupHeartbeatRequest>
{
    protected override IMessage? ErrorResponse(ConsumerGroupHeartbeatRequest request, ErrorCode error) => new ConsumerGroupHeartbeatResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ConsumerGroupHeartbeatRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new ConsumerGroupHeartbeatResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var result = await groups.Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
        {
            GroupId = request.GroupId,
            MemberId = request.MemberId,
            MemberEpoch = request.MemberEpoch,
            InstanceId = request.InstanceId,
            RackId = request.RackId,
            RebalanceTimeoutMs = request.RebalanceTimeoutMs,
            SubscribedTopicNames = request.SubscribedTopicNames,
            SubscribedTopicRegex = request.SubscribedTopicRegex,
            ServerAssignor = request.ServerAssignor,
            OwnedPartitions = request.TopicPartitions is { } owned
                ? PartitionAssignment.FromTopics(owned.Select(t => (t.TopicId, (IEnumerable<int>)t.Partitions)))
                : null,
            ClientId = context.ClientId ?? "",
            ClientHost = context.ClientHost,
        });
        var response = new ConsumerGroupHeartbeatResponse
        {
            ErrorCode = (short)result.Error,
            ErrorMessage = result.ErrorMessage,
            MemberId = result.MemberId,
            MemberEpoch = result.MemberEpoch,
            HeartbeatIntervalMs = result.HeartbeatIntervalMs,
        };
        if (result.Assignment is { } assignment)
        {
            response.Assignment = new ConsumerGroupHeartbeatResponse.MemberAssignment();
            foreach (var (topicId, partitions) in assignment.Topics)
                response.Assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.AssignedTopic { TopicId = topicId, Partitions = [.. partitions] });
        }
        return response;
    }
}
