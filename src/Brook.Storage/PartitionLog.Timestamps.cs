using Brook.Protocol.Records;

namespace Brook.Storage;

public sealed partial class PartitionLog
{
    /// <summary>
    /// When the batch holding <paramref name="offset"/> was written, for consumer lag in seconds: its max timestamp
    /// (for a LogAppendTime batch, the broker's clock at append; for CreateTime, the newest producer timestamp in it, so
    /// the answer is exact to one batch). Null when the offset is outside the log or the batch has no timestamp.
    /// </summary>
    public long? BatchTimestampAt(long offset)
    {
        for (var attempt = 0; ; attempt++)
        {
            var logEnd = LogEndOffset;
            var segments = Volatile.Read(ref _segments);
            if (offset < LogStartOffset || offset >= logEnd) return null;
            try
            {
                for (var i = FloorSegmentIndex(segments, offset); i < segments.Length; i++)
                {
                    var segment = segments[i];
                    using var scanner = new BatchScanner(segment.Log, segment.OffsetIndex.Lookup(offset).Position, segment.Size, ReadBufferSize);
                    while (scanner.MoveNext(wholeBatch: false) == ScanStatus.Batch)
                    {
                        if (scanner.Header.LastOffset < offset) continue;
                        var timestamp = scanner.Header.MaxTimestamp;
                        return timestamp == RecordBatchHeader.NoTimestamp ? null : timestamp;
                    }
                }
                return null;
            }
            catch (Exception e) when (e is ObjectDisposedException or IOException && attempt < 3 && SegmentsChangedSince(segments))
            {
                // A segment left the log while we scanned it: look again at the current segments.
            }
        }
    }
}
