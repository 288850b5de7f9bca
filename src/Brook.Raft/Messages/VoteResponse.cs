namespace Brook.Raft.Messages;

/// <summary>Answer to a <see cref="VoteRequest"/>, with the responder's view of the leader so a stale candidate catches up.</summary>
public sealed record VoteResponse : RaftResponse
{
    public required LeaderAndEpoch CurrentLeader { get; init; }
    public required bool VoteGranted { get; init; }
}
