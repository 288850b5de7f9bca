using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// FindCoordinator v0-6 (v4+ batches keys). The coordinator of a group or transactional id is the leader of the
/// __consumer_offsets / __transaction_state partition holding the key, read from the metadata image; the topic is
/// created on the first lookup, as Kafka does. No leader: COORDINATOR_NOT_AVAILABLE, which clients retry. Other key
/// types (share groups) are answered COORDINATOR_NOT_AVAILABLE.
/// </summary>
public sealed class FindCoordinatorHandler(GroupCoordinatorHost groups, TransactionCoordinatorHost transactions)
    : ApiHandler<FindCoordinatorRequest>
{
    protected override IMessage? ErrorResponse(FindCoordinatorRequest request, ErrorCode error) => new FindCoordinatorResponse
    {
        Coordinators = [.. request.CoordinatorKeys.Select(k => new FindCoordinatorResponse.Coordinator { Key = k, NodeId = -1, Host = "", Port = -1, ErrorCode = (short)error })],
    };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        var isGroup = request.KeyType == FindCoordinatorRequest.KeyTypeGroup;
        var isTransaction = request.KeyType == FindCoordinatorRequest.KeyTypeTransaction;
        var ready = isGroup ? await groups.EnsureReadyAsync(CancellationToken.None)
            : isTransaction && await transactions.EnsureReadyAsync(CancellationToken.None);
        CoordinatorTopic? host = isGroup ? groups : isTransaction ? transactions : null;
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
            else if (host!.CoordinatorFor(key) is not { } broker
                || (broker.FindEndpoint(context.ListenerName) ?? broker.Endpoints.FirstOrDefault()) is not { } endpoint)
            {
                c.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
                c.ErrorMessage = "The coordinator's partition has no leader right now.";
            }
            else
            {
                c.NodeId = broker.Id;
                c.Host = endpoint.Host;
                c.Port = endpoint.Port;
            }
            response.Coordinators.Add(c);
        }
        return response;
    }
}
