namespace Brook.Raft.Messages;

/// <summary>
/// Vote (API 52): a candidate asks a voter for its vote. With <see cref="PreVote"/> (KIP-996) it only asks whether the
/// voter would vote: the receiver neither changes epoch nor persists anything.
/// </summary>
public sealed record VoteRequest : RaftRequest
{
    /// <summary>The epoch the candidate runs in; for a pre-vote the epoch it would run in (its epoch + 1), Kafka's ReplicaEpoch.</summary>
    public required int CandidateEpoch { get; init; }
    public required int CandidateId { get; init; }
    /// <summary>The voter the request is meant for; a node that is not that voter refuses.</summary>
    public required int VoterId { get; init; }
    /// <summary>Epoch of the candidate's last log entry (or of its snapshot when the log is empty).</summary>
    public required int LastOffsetEpoch { get; init; }
    /// <summary>The candidate's log end offset.</summary>
    public required long LastOffset { get; init; }
    public required bool PreVote { get; init; }
}
