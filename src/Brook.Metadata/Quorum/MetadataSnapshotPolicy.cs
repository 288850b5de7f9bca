namespace Brook.Metadata;

/// <summary>
/// When a node snapshots its metadata image (Kafka's metadata.log.max.record.bytes.between.snapshots and
/// metadata.log.max.snapshot.interval.ms): after that many bytes of records were committed since the last snapshot, or
/// after that interval when anything was committed at all. Every node — controllers and brokers — snapshots its own
/// image; a snapshot bounds replay at start-up and is what FetchSnapshot serves to a node too far behind.
/// </summary>
/// <param name="MaxRecordBytesBetweenSnapshots">Committed record bytes that trigger a snapshot.</param>
/// <param name="MaxInterval">Time that triggers a snapshot when records arrived since the last one; zero: never by time.</param>
public sealed record MetadataSnapshotPolicy(long MaxRecordBytesBetweenSnapshots, TimeSpan MaxInterval)
{
    /// <summary>Kafka's defaults: 20 MiB, one hour.</summary>
    public static MetadataSnapshotPolicy Default { get; } = new(20 * 1024 * 1024, TimeSpan.FromHours(1));

    /// <summary>True when <paramref name="bytesSince"/> bytes committed over <paramref name="elapsed"/> call for a snapshot.</summary>
    public bool IsDue(long bytesSince, TimeSpan elapsed) =>
        bytesSince > 0 && (bytesSince >= MaxRecordBytesBetweenSnapshots || (MaxInterval > TimeSpan.Zero && elapsed >= MaxInterval));
}
