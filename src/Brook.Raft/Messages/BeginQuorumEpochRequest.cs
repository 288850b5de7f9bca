namespace Brook.Raft.Messages;

/// <summary>
/// BeginQuorumEpoch (API 53): a new leader announces itself to the voters, re-sent until each has fetched in the new
/// epoch, so voters that did not vote learn of the leader without waiting for their fetch timeout.
/// </summary>
public sealed record BeginQuorumEpochRequest : RaftRequest
{
    public required int LeaderEpoch { get; init; }
    public required int LeaderId { get; init; }
    /// <summary>The voter the request is meant for.</summary>
    public required int VoterId { get; init; }
}
