using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers.Quorum;

/// <summary>
/// What AddRaftVoter, RemoveRaftVoter and UpdateRaftVoter (KIP-853) share: served on client and controller listeners
/// (kafka-metadata-quorum talks to either); a node that does not lead the metadata quorum forwards the request to the
/// leader as-is; the leader answers once the new voter set is committed, or with the error that refused it.
/// </summary>
public abstract class VoterChangeHandler<TRequest, TResponse>(RaftMetadataQuorum quorum, RaftConfig raft, IServiceProvider services, ILogger logger)
    : ApiHandler<TRequest>
    where TRequest : IRequestMessage, new()
    where TResponse : IMessage, new()
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override IMessage? ErrorResponse(TRequest request, ErrorCode error) => Response(error, null);

    /// <summary>The response carrying <paramref name="error"/> and <paramref name="message"/>.</summary>
    protected abstract TResponse Response(ErrorCode error, string? message);

    protected abstract string? ClusterIdOf(TRequest request);

    /// <summary>How long the leader may take to commit the change.</summary>
    protected virtual TimeSpan TimeoutOf(TRequest request) => TimeSpan.FromMilliseconds(raft.RequestTimeoutMs * 5L);

    /// <summary>Runs the change on the local leader's Raft server.</summary>
    protected abstract Task<VoterChangeResult> ChangeAsync(RaftServer server, TRequest request, CancellationToken cancellationToken);

    /// <summary>A description of the change for the log.</summary>
    protected abstract string Describe(TRequest request);

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, TRequest request)
    {
        if (ClusterIdOf(request) is { } clusterId && clusterId != raft.ClusterId)
            return Response(ErrorCode.InconsistentClusterId, $"the cluster id is {raft.ClusterId}, not {clusterId}");
        if (quorum.Server is not { } server) return Response(ErrorCode.NotLeaderOrFollower, "the metadata quorum is not running yet");
        if (!server.IsLeader)
        {
            var leader = server.CurrentLeader.LeaderId;
            if (leader < 0 || services.GetService<KafkaRaftTransport>() is not { } transport)
                return Response(ErrorCode.NotLeaderOrFollower, "the metadata quorum has no leader right now");
            try
            {
                return await transport.ForwardAsync<TRequest, TResponse>(leader, request, context.ApiVersion, context.ConnectionClosed);
            }
            catch (Exception e) when (e is IOException or TimeoutException or KafkaException or ObjectDisposedException)
            {
                return Response(ErrorCode.NotLeaderOrFollower, $"the quorum leader {leader} could not be reached: {e.Message}");
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed);
        timeout.CancelAfter(TimeoutOf(request));
        VoterChangeResult result;
        try
        {
            result = await ChangeAsync(server, request, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = VoterChangeResult.Refused(ErrorCode.RequestTimedOut, "the new voter set did not commit in time; it may still commit");
        }
        catch (ObjectDisposedException)
        {
            result = VoterChangeResult.Refused(ErrorCode.NotLeaderOrFollower, "the metadata quorum is shutting down");
        }
        if (result.Error == ErrorCode.None) logger.LogInformation("Metadata quorum voter change committed: {Change}; voters now {Voters}", Describe(request), server.Voters);
        else logger.LogWarning("Metadata quorum voter change refused: {Change}: {Error} ({Message})", Describe(request), result.Error, result.Message);
        return Response(result.Error, result.Message);
    }

    /// <summary>The voter a request names, with the endpoints it lists.</summary>
    protected static RaftVoter VoterOf(int id, Uuid directoryId, IEnumerable<ListenerEndpoint> listeners) =>
        new(id, directoryId, [.. listeners.Select(l => new RaftEndpoint(l.Name, l.Host, l.Port))]);
}
