using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// JoinGroup v0-9 (v0-1 were put back in Kafka 4.0.1, KAFKA-19444, for older librdkafka). v4+ makes new members rejoin
/// with an assigned id (MEMBER_ID_REQUIRED, KIP-394); v5+ carries group.instance.id (static membership, KIP-345);
/// v9 lets a rejoining static leader skip the assignment (KIP-814). The response waits for the rebalance to complete.
/// </summary>
public sealed class JoinGroupHandler(GroupCoordinatorHost groups) : ApiHandler<JoinGroupRequest>
{
    protected override IMessage? ErrorResponse(JoinGroupRequest request, ErrorCode error) => new JoinGroupResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, JoinGroupRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new JoinGroupResponse { ErrorCode = (short)Brook.Common.ErrorCode.CoordinatorNotAvailable, MemberId = request.MemberId };
        var version = context.ApiVersion;
        var result = await groups.Coordinator.JoinGroupAsync(new JoinGroupArgs
        {
            GroupId = request.GroupId,
            MemberId = request.MemberId,
            GroupInstanceId = request.GroupInstanceId,
            ProtocolType = request.ProtocolType,
            Protocols = request.Protocols.Select(p => new GroupProtocol(p.Name, p.Metadata.ToArray())).ToList(),
            SessionTimeoutMs = request.SessionTimeoutMs,
            RebalanceTimeoutMs = version == 0 ? request.SessionTimeoutMs : request.RebalanceTimeoutMs,
            ClientId = context.ClientId ?? "",
            ClientHost = context.ClientHost,
            Reason = request.Reason,
            RequireKnownMemberId = version >= 4,
            SupportsSkipAssignment = version >= 9,
        });
        var response = new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.GenerationId,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Leader = result.Leader,
            SkipAssignment = result.SkipAssignment,
            MemberId = result.MemberId,
        };
        foreach (var m in result.Members)
            response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                Metadata = m.Metadata,
            });
        return response;
    }
}
