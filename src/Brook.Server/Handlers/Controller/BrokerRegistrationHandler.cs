using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Storage;

namespace Brook.Server.Handlers.Controller;

/// <summary>
/// BrokerRegistration v0-4 (KIP-631) on the controller listener: a starting broker registers its listeners and rack
/// and gets its broker epoch. A broker of another cluster is refused with INCONSISTENT_CLUSTER_ID. PreviousBrokerEpoch
/// (v3+, KIP-966; -1 before v3) tells the controller whether the broker shut down cleanly.
/// </summary>
public sealed class BrokerRegistrationHandler(IControllerChannel controller, MetaProperties meta) : ApiHandler<BrokerRegistrationRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(BrokerRegistrationRequest request, ErrorCode error) => new BrokerRegistrationResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, BrokerRegistrationRequest request)
    {
        if (request.ClusterId != meta.ClusterId) return ErrorResponse(request, ErrorCode.InconsistentClusterId);
        var endpoints = request.Listeners
            .Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, (SecurityProtocol)l.SecurityProtocol))
            .ToList();
        var epoch = await controller.RegisterBrokerAsync(request.BrokerId, endpoints, request.Rack, request.PreviousBrokerEpoch, context.ConnectionClosed);
        return new BrokerRegistrationResponse { BrokerEpoch = epoch };
    }
}
