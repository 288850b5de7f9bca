namespace Brook.Raft.Messages;

/// <summary>
/// Any message between quorum members. Each concrete type mirrors one Kafka request or response (Vote,
/// BeginQuorumEpoch, EndQuorumEpoch, Fetch, FetchSnapshot) field for field, so a transport maps it 1:1 to the wire.
/// </summary>
public abstract record RaftMessage
{
    /// <summary>
    /// Chosen by the requester, echoed by the response: the transport routes a response back to whoever asked, and the
    /// node ignores a response whose request it no longer waits for (a late answer must never act on a newer state).
    /// </summary>
    public required long RequestId { get; init; }
}

/// <summary>A request; the receiver answers it with the matching response carrying the same <see cref="RaftMessage.RequestId"/>.</summary>
public abstract record RaftRequest : RaftMessage
{
    /// <summary>The cluster id the sender belongs to; a mismatch is answered with INCONSISTENT_CLUSTER_ID (KIP-595).</summary>
    public required string ClusterId { get; init; }
}

/// <summary>A response to a <see cref="RaftRequest"/>.</summary>
public abstract record RaftResponse : RaftMessage
{
    /// <summary>Top-level error (Kafka's error codes); <see cref="Brook.Common.ErrorCode.None"/> on success.</summary>
    public required Brook.Common.ErrorCode Error { get; init; }
}
