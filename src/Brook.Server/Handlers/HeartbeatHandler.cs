using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>Heartbeat v0-4: keeps a classic group member alive; REBALANCE_IN_PROGRESS tells it to rejoin.</summary>
public sealed class HeartbeatHandler(GroupCoordinatorHost groups) : ApiHandler<HeartbeatRequest>
{
    protected override IMessage? ErrorResponse(HeartbeatRequest request, ErrorCode error) => new HeartbeatResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, HeartbeatRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new HeartbeatResponse { ErrorCode = (short)Brook.Common.ErrorCode.CoordinatorNotAvailable };
        var error = groups.Coordinator.Heartbeat(new HeartbeatArgs(request.GroupId, request.GenerationId, request.MemberId, request.GroupInstanceId));
        return new HeartbeatResponse { ErrorCode = (short)error };
    }
}
