using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// FindCoordinator v0-6 (v4+ batches keys). Group and transactional-id keys are served by this broker, which leads
/// every partition of __consumer_offsets and __transaction_state; the topic is created on the first lookup, as Kafka
/// does. Other key types (share groups) are answered COORDINATOR_NOT_AVAILABLE.
/// </summary>
public sealed class FindCoordinatorHandler(GroupCoordinatorHost groups, TransactionCoordinatorHost transactions, BrokerConfig config)
    : ApiHandler<FindCoordinatorRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        var isGroup = request.KeyType == FindCoordinatorRequest.KeyTypeGroup;
        var isTransaction = request.KeyType == FindCoordinatorRequest.KeyTypeTransaction;
        var ready = isGroup ? await groups.EnsureReadyAsync(CancellationToken.None)
            : isTransaction && await transactions.EnsureReadyAsync(CancellationToken.None);
        var endpoint = config.AdvertisedListenerFor(context.ListenerName) ?? config.AdvertisedListeners[0];
        foreach (var key in request.CoordinatorKeys)
        {
            var c = new FindCoordinatorResponse.Coordinator { Key = key, NodeId = -1, Host = "", Port = -1 };
            if (!ready)
            {
                c.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
                c.ErrorMessage = "The coordinator is not available.";
            }
            else if (key.Length == 0)
            {
                c.ErrorCode = (short)(isGroup ? ErrorCode.InvalidGroupId : ErrorCode.InvalidRequest);
                c.ErrorMessage = isGroup ? "The group id is empty." : "The transactional id is empty.";
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
