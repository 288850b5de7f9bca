using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>
/// Fetch on the controller listener: followers and observers replicate <c>__cluster_metadata-0</c> from the quorum
/// leader (KIP-595), long-polling up to the request's wait. Any other partition is not served here.
/// </summary>
public sealed class QuorumFetchHandler(KafkaRaftTransport transport, RaftConfig config) : ApiHandler<FetchRequest>
{
    public override short MinVersion => 13;
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(FetchRequest request, ErrorCode error) => new FetchResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, FetchRequest request)
    {
        var inbound = RaftWire.FromWire(request, 0);
        if (inbound is null) return ErrorResponse(request, ErrorCode.InvalidRequest);
        var answer = await QuorumRequests.AskAsync<Raft.Messages.FetchResponse>(transport, config, inbound, request.MaxWaitMs, context.ConnectionClosed);
        return answer is null ? ErrorResponse(request, ErrorCode.RequestTimedOut) : RaftWire.ToWire(answer);
    }
}
