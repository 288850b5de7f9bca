using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage;

/// <summary>
/// Outcome of <see cref="PartitionLog.Read"/>: whole record batches (possibly none) and the log bounds at read time.
/// <see cref="Error"/> is <see cref="ErrorCode.OffsetOutOfRange"/> when the offset is below the log start or beyond the end.
/// </summary>
public readonly record struct LogReadResult(ErrorCode Error, RecordSet Records, long LogStartOffset, long LogEndOffset)
{
    public static readonly RecordSet NoRecords = new MemoryRecordSet(ReadOnlyMemory<byte>.Empty);
}
