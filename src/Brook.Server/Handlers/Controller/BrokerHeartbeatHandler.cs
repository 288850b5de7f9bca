using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers.Controller;

/// <summary>BrokerHeartbeat v0-1 (KIP-631) on the controller listener: liveness, metadata progress, fencing and controlled shutdown.</summary>
public sealed class BrokerHeartbeatHandler(IControllerChannel controller) : ApiHandler<BrokerHeartbeatRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(BrokerHeartbeatRequest request, ErrorCode error) => new BrokerHeartbeatResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, BrokerHeartbeatRequest request)
    {
        var result = await controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(request.BrokerId, request.BrokerEpoch, request.CurrentMetadataOffset,
            request.WantFence, request.WantShutDown, request.OfflineLogDirs), context.ConnectionClosed);
        return new BrokerHeartbeatResponse
        {
            ErrorCode = (short)result.Error,
            IsCaughtUp = result.IsCaughtUp,
            IsFenced = result.IsFenced,
            ShouldShutDown = result.ShouldShutDown,
        };
    }
}
