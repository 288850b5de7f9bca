namespace Brook.Storage;

/// <summary>Per-topic log settings, named after and defaulted like Kafka's topic configs.</summary>
public sealed record LogConfig
{
    public static LogConfig Default { get; } = new();

    /// <summary>segment.bytes: roll the active segment before an append would make it larger than this.</summary>
    public long SegmentBytes { get; init; } = 1L << 30;

    /// <summary>segment.ms: roll the active segment once this long has passed since its first batch was appended.</summary>
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>index.interval.bytes: log bytes between two sparse offset-index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>segment.index.bytes: size cap of a segment's offset index (8-byte entries) and time index (12-byte entries); a full index rolls the segment.</summary>
    public int SegmentIndexBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>flush.messages: fsync after this many unflushed messages (offsets). Kafka's default leaves it to the OS.</summary>
    public long FlushIntervalMessages { get; init; } = long.MaxValue;

    /// <summary>flush.ms: fsync on append once this long has passed since the last flush.</summary>
    public long FlushIntervalMs { get; init; } = long.MaxValue;

    /// <summary>max.message.bytes: largest record batch accepted by <see cref="PartitionLog.Append"/> (MESSAGE_TOO_LARGE otherwise).</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary>
    /// retention.ms (-1 = unlimited): <see cref="PartitionLog.ApplyRetention"/> deletes a closed segment once its largest
    /// timestamp is older than this. Applies only when <see cref="CleanupPolicy"/> includes delete.
    /// </summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>
    /// retention.bytes (-1 = unlimited): <see cref="PartitionLog.ApplyRetention"/> deletes the oldest closed segments while
    /// the log stays at least this large without them. Applies only when <see cref="CleanupPolicy"/> includes delete.
    /// </summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary>file.delete.delay.ms: a deleted segment is renamed to <c>.deleted</c> first and its files removed this much later.</summary>
    public long FileDeleteDelayMs { get; init; } = 60_000;

    /// <summary>cleanup.policy: delete (retention), compact (keep the latest record per key), or both.</summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary>delete.retention.ms: how long a tombstone survives compaction after the pass that first kept it.</summary>
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary>min.cleanable.dirty.ratio: compact only when dirty bytes / (clean + dirty) bytes reach this.</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary>min.compaction.lag.ms: a segment holding a record younger than this is not compacted yet.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary>max.compaction.lag.ms: a log whose oldest dirty record is older than this is compacted whatever its dirty ratio.</summary>
    public long MaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary>segment.jitter.ms: each new segment rolls on time up to this much earlier (random), so partitions do not roll together.</summary>
    public long SegmentJitterMs { get; init; }

    internal bool DeletesByRetention => (CleanupPolicy & CleanupPolicy.Delete) != 0;
    internal bool Compacts => (CleanupPolicy & CleanupPolicy.Compact) != 0;

    /// <summary>segment.ms as applied: a compacted log also rolls within max.compaction.lag.ms, since the active segment is never cleaned.</summary>
    internal long EffectiveSegmentMs => Compacts && MaxCompactionLagMs > 0 ? Math.Min(SegmentMs, MaxCompactionLagMs) : SegmentMs;

    internal int MaxOffsetIndexEntries => Math.Max(1, SegmentIndexBytes / Index.OffsetIndex.EntrySize);
    internal int MaxTimeIndexEntries => Math.Max(1, SegmentIndexBytes / Index.TimeIndex.EntrySize);
}
