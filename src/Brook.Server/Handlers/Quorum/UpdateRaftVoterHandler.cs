using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Raft;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers.Quorum;

/// <summary>UpdateRaftVoter v0 (KIP-853): a voter announces new endpoints for itself.</summary>
public sealed class UpdateRaftVoterHandler(RaftMetadataQuorum quorum, RaftConfig raft, IServiceProvider services, ILogger<UpdateRaftVoterHandler> logger)
    : VoterChangeHandler<UpdateRaftVoterRequest, UpdateRaftVoterResponse>(quorum, raft, services, logger)
{
    // The response has no message field; the leader's log line carries the reason.
    protected override UpdateRaftVoterResponse Response(ErrorCode error, string? message) => new() { ErrorCode = (short)error };
    protected override string? ClusterIdOf(UpdateRaftVoterRequest request) => request.ClusterId;
    protected override string Describe(UpdateRaftVoterRequest r) =>
        $"update voter {r.VoterId} (directory {r.VoterDirectoryId}) to {string.Join(",", r.Listeners.Select(l => $"{l.Name}://{l.Host}:{l.Port}"))}";
    protected override Task<VoterChangeResult> ChangeAsync(RaftServer server, UpdateRaftVoterRequest r, CancellationToken ct) =>
        server.UpdateVoterAsync(VoterOf(r.VoterId, r.VoterDirectoryId, r.Listeners), ct);
}
