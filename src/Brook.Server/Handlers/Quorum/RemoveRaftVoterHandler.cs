using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Raft;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers.Quorum;

/// <summary>RemoveRaftVoter v0 (KIP-853): takes a voter (id and directory id) out of the voter set.</summary>
public sealed class RemoveRaftVoterHandler(RaftMetadataQuorum quorum, RaftConfig raft, IServiceProvider services, ILogger<RemoveRaftVoterHandler> logger)
    : VoterChangeHandler<RemoveRaftVoterRequest, RemoveRaftVoterResponse>(quorum, raft, services, logger)
{
    protected override RemoveRaftVoterResponse Response(ErrorCode error, string? message) => new() { ErrorCode = (short)error, ErrorMessage = message };
    protected override string? ClusterIdOf(RemoveRaftVoterRequest request) => request.ClusterId;
    protected override string Describe(RemoveRaftVoterRequest r) => $"remove voter {r.VoterId} (directory {r.VoterDirectoryId})";
    protected override Task<VoterChangeResult> ChangeAsync(RaftServer server, RemoveRaftVoterRequest r, CancellationToken ct) =>
        server.RemoveVoterAsync(r.VoterId, r.VoterDirectoryId, ct);
}
