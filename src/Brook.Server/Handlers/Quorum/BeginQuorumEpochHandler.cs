using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>BeginQuorumEpoch v0-1 on the controller listener: a new leader announces its epoch to this voter.</summary>
public sealed class BeginQuorumEpochHandler(KafkaRaftTransport transport, RaftConfig config) : ApiHandler<BeginQuorumEpochRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(BeginQuorumEpochRequest request, ErrorCode error) => new BeginQuorumEpochResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, BeginQuorumEpochRequest request)
    {
        var answer = await QuorumRequests.AskAsync<Raft.Messages.BeginQuorumEpochResponse>(transport, config, RaftWire.FromWire(request, 0), 0, context.ConnectionClosed);
        return answer is null ? ErrorResponse(request, ErrorCode.RequestTimedOut) : RaftWire.ToWire(answer);
    }
}
