namespace Brook.Replication;

/// <summary>The high watermark's checkpoint: restored when the partition opens, written when it changed.</summary>
public sealed partial class Partition
{
    private readonly Lock _checkpointLock = new();
    private long _checkpointedHighWatermark = -1;

    /// <summary>
    /// Starts the high watermark at its checkpoint, within the log's bounds, so a restarted broker does not hold back
    /// consumers (OFFSET_NOT_AVAILABLE, empty fetches) until followers have fetched again. Called once, at open.
    /// </summary>
    private void RestoreHighWatermark()
    {
        if (Log.ReadHighWatermarkCheckpoint() is not { } checkpointed) return;
        var restored = Math.Clamp(checkpointed, Log.LogStartOffset, Log.LogEndOffset);
        Volatile.Write(ref _highWatermark, restored);
        _checkpointedHighWatermark = restored;
    }

    /// <summary>Writes the high watermark if it moved since the last checkpoint (replica.high.watermark.checkpoint.interval.ms, and at close).</summary>
    public void CheckpointHighWatermark()
    {
        lock (_checkpointLock)
        {
            var highWatermark = HighWatermark;
            if (highWatermark == _checkpointedHighWatermark) return;
            Log.WriteHighWatermarkCheckpoint(highWatermark);
            _checkpointedHighWatermark = highWatermark;
        }
    }
}
