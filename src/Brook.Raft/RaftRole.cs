namespace Brook.Raft;

/// <summary>The states of a quorum member (Kafka's QuorumState; Prospective is KIP-996's pre-vote state).</summary>
public enum RaftRole
{
    /// <summary>No leader known in the current epoch; may have voted in it.</summary>
    Unattached,
    /// <summary>Asking the voters whether they would vote for it (pre-vote), without changing epoch.</summary>
    Prospective,
    /// <summary>Running for leader in a new epoch, having voted for itself.</summary>
    Candidate,
    Leader,
    /// <summary>Replicating from the leader of the current epoch (voters and observers).</summary>
    Follower,
    /// <summary>Was leader of the current epoch and stepped down (gracefully, by check-quorum, or by restarting).</summary>
    Resigned,
}
