namespace Brook.Raft;

/// <summary>
/// One batch below the high watermark, as the listener receives it: offsets <see cref="BaseOffset"/> to
/// <see cref="LastOffset"/>, written by the leader of <see cref="Epoch"/>. Control batches (LeaderChange) are delivered
/// too, flagged <see cref="IsControl"/> (their records are the control values, e.g. a
/// <see cref="LeaderChangeRecord"/>), so a state machine always knows how far the log it applied reaches.
/// </summary>
public sealed record CommittedBatch(long BaseOffset, long LastOffset, int Epoch, long AppendTimestampMs, bool IsControl, IReadOnlyList<byte[]> Records)
{
    /// <summary>The offset after this batch: where a snapshot taken right after applying it ends.</summary>
    public long NextOffset => LastOffset + 1;
}
