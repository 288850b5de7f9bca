namespace Brook.Raft;

/// <summary>
/// The node's view of the quorum for DescribeQuorum (KIP-595 / KIP-836). Only the leader knows the replicas'
/// progress; other nodes report their own state alone. <see cref="Members"/> is the voter set at the node's log end,
/// with each voter's endpoints.
/// </summary>
public sealed record QuorumInfo(
    int LeaderId,
    int LeaderEpoch,
    long HighWatermark,
    RaftRole Role,
    IReadOnlyList<ReplicaInfo> Voters,
    IReadOnlyList<ReplicaInfo> Observers,
    VoterSet? Members = null);
