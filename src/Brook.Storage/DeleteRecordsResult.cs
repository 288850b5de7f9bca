using Brook.Common;

namespace Brook.Storage;

/// <summary>
/// Outcome of <see cref="PartitionLog.DeleteRecordsBefore"/>: <see cref="LowWatermark"/> is the log start offset after
/// the call (DeleteRecords' low_watermark), also on error. Errors: OFFSET_OUT_OF_RANGE (beyond the high watermark or
/// negative), POLICY_VIOLATION (cleanup.policy without delete), KAFKA_STORAGE_ERROR (the checkpoint could not be written).
/// </summary>
public readonly record struct DeleteRecordsResult(ErrorCode Error, long LowWatermark, string? ErrorMessage = null)
{
    public bool IsSuccess => Error == ErrorCode.None;
}
