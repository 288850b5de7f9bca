namespace Brook.Raft;

/// <summary>
/// The node's view of the quorum for DescribeQuorum (KIP-595 / KIP-836). Only the leader knows the replicas'
/// progress; other nodes report their own state alone.
/// </summary>
public sealed record QuorumInfo(
    int LeaderId,
    int LeaderEpoch,
    long HighWatermark,
    RaftRole Role,
    IReadOnlyList<ReplicaInfo> Voters,
    IReadOnlyList<ReplicaInfo> Observers);

/// <summary>
/// One replica's progress as the leader sees it: the log end offset it acknowledged and when it last fetched and was
/// last caught up (times in TimeProvider milliseconds, -1 when unknown).
/// </summary>
public sealed record ReplicaInfo(int ReplicaId, long LogEndOffset, long LastFetchTimestampMs, long LastCaughtUpTimestampMs);
