namespace Brook.Storage;

/// <summary>
/// The high watermark's checkpoint. Replication owns the value; the log only keeps it on disk beside the other
/// checkpoints, so a restarted broker starts from the committed offset it last knew instead of from the log start
/// (Kafka's replication-offset-checkpoint). A stale value is safe: it only ever lags the real high watermark.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Serialises the checkpoint's file with closing and deleting the log. Its own lock, not the log's: the checkpoint's
    /// fsync must not hold up appends. Without it, a checkpoint racing a topic deletion wrote its temporary file into
    /// the directory being removed, and the recursive delete failed with "directory not empty".
    /// </summary>
    private readonly Lock _highWatermarkFileLock = new();

    /// <summary>Writes <paramref name="highWatermark"/> atomically (write, fsync, rename); <see cref="ObjectDisposedException"/> once the log is closed or deleted.</summary>
    public void WriteHighWatermarkCheckpoint(long highWatermark)
    {
        lock (_highWatermarkFileLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
            CheckpointFile.Write(_fs, Directory, LogFileNames.HighWatermarkCheckpoint, highWatermark);
        }
    }

    /// <summary>The last checkpointed high watermark, or null when none was written (or it is corrupt, which is logged).</summary>
    public long? ReadHighWatermarkCheckpoint() =>
        CheckpointFile.ReadSingle(_fs, Directory, LogFileNames.HighWatermarkCheckpoint, _logger, "High watermark checkpoint",
            "the high watermark starts at the log start");
}
