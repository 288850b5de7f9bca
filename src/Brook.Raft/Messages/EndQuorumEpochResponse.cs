namespace Brook.Raft.Messages;

/// <summary>Answer to an <see cref="EndQuorumEpochRequest"/>.</summary>
public sealed record EndQuorumEpochResponse : RaftResponse
{
    public required LeaderAndEpoch CurrentLeader { get; init; }
}
