namespace Brook.Raft.Messages;

/// <summary>Answer to a <see cref="BeginQuorumEpochRequest"/>; the leader only learns from it that its epoch is stale.</summary>
public sealed record BeginQuorumEpochResponse : RaftResponse
{
    public required LeaderAndEpoch CurrentLeader { get; init; }
}
