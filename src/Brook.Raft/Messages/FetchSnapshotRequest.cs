namespace Brook.Raft.Messages;

/// <summary>FetchSnapshot (API 59, KIP-630): one chunk of the leader's snapshot, from <see cref="Position"/> (a byte position in the snapshot file).</summary>
public sealed record FetchSnapshotRequest : RaftRequest
{
    public required int ReplicaId { get; init; }
    public required int CurrentLeaderEpoch { get; init; }
    public required OffsetAndEpoch SnapshotId { get; init; }
    public required long Position { get; init; }
    public required int MaxBytes { get; init; }
}
