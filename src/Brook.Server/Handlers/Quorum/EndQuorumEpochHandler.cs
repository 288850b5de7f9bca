using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>EndQuorumEpoch v0-1 on the controller listener: a leader that resigns names its preferred successors.</summary>
public sealed class EndQuorumEpochHandler(KafkaRaftTransport transport, RaftConfig config) : ApiHandler<EndQuorumEpochRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(EndQuorumEpochRequest request, ErrorCode error) => new EndQuorumEpochResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, EndQuorumEpochRequest request)
    {
        var answer = await QuorumRequests.AskAsync<Raft.Messages.EndQuorumEpochResponse>(transport, config, RaftWire.FromWire(request, 0), 0, context.ConnectionClosed);
        return answer is null ? ErrorResponse(request, ErrorCode.RequestTimedOut) : RaftWire.ToWire(answer);
    }
}
