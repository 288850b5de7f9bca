using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Raft;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers.Quorum;

/// <summary>AddRaftVoter v0 (KIP-853): makes a caught-up observer (a controller started outside controller.quorum.voters) a voter.</summary>
public sealed class AddRaftVoterHandler(RaftMetadataQuorum quorum, RaftConfig raft, IServiceProvider services, ILogger<AddRaftVoterHandler> logger)
    : VoterChangeHandler<AddRaftVoterRequest, AddRaftVoterResponse>(quorum, raft, services, logger)
{
    protected override AddRaftVoterResponse Response(ErrorCode error, string? message) => new() { ErrorCode = (short)error, ErrorMessage = message };
    protected override string? ClusterIdOf(AddRaftVoterRequest request) => request.ClusterId;
    protected override TimeSpan TimeoutOf(AddRaftVoterRequest request) =>
        request.TimeoutMs > 0 ? TimeSpan.FromMilliseconds(request.TimeoutMs) : base.TimeoutOf(request);
    protected override string Describe(AddRaftVoterRequest r) =>
        $"add voter {r.VoterId} (directory {r.VoterDirectoryId}) at {string.Join(",", r.Listeners.Select(l => $"{l.Name}://{l.Host}:{l.Port}"))}";
    protected override Task<VoterChangeResult> ChangeAsync(RaftServer server, AddRaftVoterRequest r, CancellationToken ct) =>
        server.AddVoterAsync(VoterOf(r.VoterId, r.VoterDirectoryId, r.Listeners), ct);
}
