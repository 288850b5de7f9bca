using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// FindCoordinator v0-6 (v4+ batches keys). Groups and transactions arrive in later issues; until then every key is
/// answered COORDINATOR_NOT_AVAILABLE, which clients treat as retriable.
/// </summary>
public sealed class FindCoordinatorHandler : ApiHandler<FindCoordinatorRequest>
{
    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, FindCoordinatorRequest request)
    {
        var response = new FindCoordinatorResponse();
        foreach (var key in request.CoordinatorKeys)
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key,
                NodeId = -1,
                Host = "",
                Port = -1,
                ErrorCode = (short)ErrorCode.CoordinatorNotAvailable,
                ErrorMessage = "The coordinator is not available.",
            });
        return Done(response);
    }
}
