using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// FindCoordinator v0-6 (v4+ batches keys). Group keys are served by this broker, which leads every partition of
/// __consumer_offsets; the topic is created on the first lookup, as Kafka does. Transaction coordinators arrive with
/// transactions: until then those keys are answered COORDINATOR_NOT_AVAILABLE, which clients treat as retriable.
/// </summary>
public sealed class FindCoordinatorHandler(GroupCoordinatorHost groups, BrokerConfig config) : ApiHandler<FindCoordinatorRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        var isGroup = request.KeyType == FindCoordinatorRequest.KeyTypeGroup;
        var ready = isGroup && await groups.EnsureReadyAsync(CancellationToken.None);
        var endpoint = config.AdvertisedListenerFor(context.ListenerName) ?? config.AdvertisedListeners[0];
        foreach (var key in request.CoordinatorKeys)
        {
            var c = new FindCoordinatorResponse.Coordinator { Key = key, NodeId = -1, Host = "", Port = -1 };
            if (!isGroup || !ready)
            {
                c.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
                c.ErrorMessage = "The coordinator is not available.";
            }
            else if (key.Length == 0)
            {
                c.ErrorCode = (short)ErrorCode.InvalidGroupId;
                c.ErrorMessage = "The group id is empty.";
            }
            else
            {
                c.NodeId = config.NodeId;
                c.Host = endpoint.Host;
                c.Port = endpoint.Port;
            }
            response.Coordinators.Add(c);
        }
        return response;
    }
}
