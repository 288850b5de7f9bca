using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>FetchSnapshot v0-1 (KIP-630) on the controller listener: a chunk of the leader's metadata snapshot.</summary>
public sealed class FetchSnapshotHandler(KafkaRaftTransport transport, RaftConfig config) : ApiHandler<FetchSnapshotRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(FetchSnapshotRequest request, ErrorCode error) => new FetchSnapshotResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, FetchSnapshotRequest request)
    {
        var answer = await QuorumRequests.AskAsync<Raft.Messages.FetchSnapshotResponse>(transport, config, RaftWire.FromWire(request, 0), 0, context.ConnectionClosed);
        return answer is null ? ErrorResponse(request, ErrorCode.RequestTimedOut) : RaftWire.ToWire(answer);
    }
}
