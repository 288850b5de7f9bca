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

    /// <summary>retention.ms: carried for the broker; <see cref="PartitionLog"/> does not delete segments yet.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>retention.bytes (-1 = unlimited): carried for the broker; <see cref="PartitionLog"/> does not delete segments yet.</summary>
    public long RetentionBytes { get; init; } = -1;

    internal int MaxOffsetIndexEntries => Math.Max(1, SegmentIndexBytes / Index.OffsetIndex.EntrySize);
    internal int MaxTimeIndexEntries => Math.Max(1, SegmentIndexBytes / Index.TimeIndex.EntrySize);
}
