using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// UnregisterBroker v0 (KIP-631): an admin removes a decommissioned broker's registration (kafka-cluster.sh
/// unregister, Admin.unregisterBroker). Sent to any broker, which forwards it to the active controller; the controller
/// listener serves the forwarded request.
/// </summary>
public sealed class UnregisterBrokerHandler(IControllerChannel controller) : ApiHandler<UnregisterBrokerRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override IMessage? ErrorResponse(UnregisterBrokerRequest request, ErrorCode error) => new UnregisterBrokerResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, UnregisterBrokerRequest request)
    {
        var error = await controller.UnregisterBrokerAsync(request.BrokerId, context.ConnectionClosed);
        return new UnregisterBrokerResponse
        {
            ErrorCode = (short)error,
            ErrorMessage = error == ErrorCode.BrokerIdNotRegistered ? $"Broker {request.BrokerId} is not registered." : null,
        };
    }
}
