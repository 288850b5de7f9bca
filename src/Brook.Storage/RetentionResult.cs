namespace Brook.Storage;

/// <summary>
/// Outcome of one <see cref="PartitionLog.ApplyRetention"/> pass: how many closed segments left the log for each reason
/// (checked in Kafka's order: retention.ms, retention.bytes, below the log start), their bytes, and the log start after it.
/// </summary>
public readonly record struct RetentionResult(
    int DeletedByTime,
    int DeletedBySize,
    int DeletedBelowLogStart,
    long BytesDeleted,
    long LogStartOffset)
{
    public int SegmentsDeleted => DeletedByTime + DeletedBySize + DeletedBelowLogStart;
}
