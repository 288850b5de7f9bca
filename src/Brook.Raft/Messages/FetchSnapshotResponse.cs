namespace Brook.Raft.Messages;

/// <summary>
/// Answer to a <see cref="FetchSnapshotRequest"/>: <see cref="UnalignedRecords"/> are raw snapshot bytes from
/// <see cref="Position"/>, not cut at batch boundaries; the snapshot is complete once Position + length reaches <see cref="Size"/>.
/// </summary>
public sealed record FetchSnapshotResponse : RaftResponse
{
    public required LeaderAndEpoch CurrentLeader { get; init; }
    public required OffsetAndEpoch SnapshotId { get; init; }
    public required long Size { get; init; }
    public required long Position { get; init; }
    public required ReadOnlyMemory<byte> UnalignedRecords { get; init; }
}
