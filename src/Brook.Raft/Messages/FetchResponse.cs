namespace Brook.Raft.Messages;

/// <summary>
/// Answer to a <see cref="FetchRequest"/>: records from the fetch offset, or where the fetcher's log diverges
/// (<see cref="DivergingEpoch"/>: truncate and fetch again), or the snapshot to download first (<see cref="SnapshotId"/>,
/// when the fetch offset lies below the leader's log start), or an error with the leader the responder knows.
/// </summary>
public sealed record FetchResponse : RaftResponse
{
    public required long HighWatermark { get; init; }
    public required long LogStartOffset { get; init; }
    public required LeaderAndEpoch CurrentLeader { get; init; }
    /// <summary>The largest epoch ≤ the fetcher's LastFetchedEpoch in the leader's log, and the offset where it ends there.</summary>
    public OffsetAndEpoch? DivergingEpoch { get; init; }
    public OffsetAndEpoch? SnapshotId { get; init; }
    /// <summary>Whole v2 record batches starting at the fetch offset (empty when there is nothing to send).</summary>
    public required ReadOnlyMemory<byte> Records { get; init; }
}
