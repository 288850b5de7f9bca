using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>Vote v0-2 (KIP-595, pre-vote from v2 per KIP-996) on the controller listener: a candidate asks this voter for its vote.</summary>
public sealed class VoteHandler(KafkaRaftTransport transport, RaftConfig config) : ApiHandler<VoteRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(VoteRequest request, ErrorCode error) => new VoteResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, VoteRequest request)
    {
        var answer = await QuorumRequests.AskAsync<Raft.Messages.VoteResponse>(transport, config, RaftWire.FromWire(request, 0), 0, context.ConnectionClosed);
        return answer is null ? ErrorResponse(request, ErrorCode.RequestTimedOut) : RaftWire.ToWire(answer);
    }
}
