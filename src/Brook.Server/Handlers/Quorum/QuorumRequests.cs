using Brook.Raft;
using Brook.Raft.Messages;
using Brook.Server.Quorum;

namespace Brook.Server.Handlers.Quorum;

/// <summary>
/// What the controller-listener handlers of the quorum APIs share: hand the request to the KRaft node through the
/// transport and wait for its answer, bounded by the quorum's request timeout (plus a fetch's long-poll wait).
/// </summary>
internal static class QuorumRequests
{
    /// <summary>The node's answer, or null when there is no quorum here or it did not answer in time.</summary>
    public static async Task<TResponse?> AskAsync<TResponse>(KafkaRaftTransport transport, RaftConfig config, (int From, RaftRequest Request)? inbound,
        int extraWaitMs, CancellationToken ct) where TResponse : RaftResponse
    {
        if (inbound is not { } request) return null;
        var timeout = TimeSpan.FromMilliseconds(config.RequestTimeoutMs + extraWaitMs);
        var answer = await transport.HandleInboundAsync(request.From, id => request.Request with { RequestId = id }, timeout, ct).ConfigureAwait(false);
        return answer as TResponse;
    }
}
