using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage;

/// <summary>
/// Reads a log from its start to its end record by record: how coordinators load their state from an internal topic
/// at start-up (replaying the same records that normal operation wrote).
/// </summary>
public static class LogScanner
{
    /// <summary>The batch a scanned record came from: what transactional replay needs (who wrote it, in a transaction or not).</summary>
    public readonly record struct BatchContext(long ProducerId, short ProducerEpoch, bool IsTransactional, bool IsControl);

    /// <summary>Receives one record: its offset, key and value (null flags for null key/value).</summary>
    public delegate void RecordVisitor(long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull);

    /// <summary>Receives one record with its batch; control records (transaction markers) are included.</summary>
    public delegate void BatchRecordVisitor(in BatchContext batch, long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull);

    /// <summary>Visits every data record (control batches skipped) from the log start up to <paramref name="endOffsetExclusive"/>; returns the number visited.</summary>
    public static long Scan(PartitionLog log, long endOffsetExclusive, RecordVisitor visit, int chunkBytes = 1 << 20) =>
        Scan(log, endOffsetExclusive, (in BatchContext batch, long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull) =>
        {
            if (!batch.IsControl) visit(offset, key, keyIsNull, value, valueIsNull);
        }, chunkBytes);

    /// <summary>Visits every record, control records included, from the log start up to <paramref name="endOffsetExclusive"/>; returns the number visited.</summary>
    public static long Scan(PartitionLog log, long endOffsetExclusive, BatchRecordVisitor visit, int chunkBytes = 1 << 20) =>
        Scan(log, log.LogStartOffset, endOffsetExclusive, visit, chunkBytes);

    /// <summary>
    /// Visits every record, control records included, from <paramref name="startOffset"/> (at or above the log start) up
    /// to <paramref name="endOffsetExclusive"/>; returns the number visited. Scanning on from where an earlier scan ended
    /// catches up with records appended since.
    /// </summary>
    public static long Scan(PartitionLog log, long startOffset, long endOffsetExclusive, BatchRecordVisitor visit, int chunkBytes = 1 << 20)
    {
        var offset = startOffset;
        long visited = 0;
        using var chunk = new PooledBufferWriter(chunkBytes);
        using var decompressed = new PooledBufferWriter(chunkBytes);
        while (offset < endOffsetExclusive)
        {
            // Batches are read whole (the bound only filters records), so an end inside a batch still yields its first records.
            var read = log.Read(offset, chunkBytes, long.MaxValue, minOneBatch: true);
            if (read.Error != ErrorCode.None) throw new KafkaException(read.Error, $"reading {log.Directory} at offset {offset} failed");
            var size = read.Records.SizeInBytes;
            if (size == 0) break;
            chunk.Reset();
            read.Records.CopyTo(chunk.GetSpan(size)[..size]);
            chunk.Advance(size);
            var next = offset;
            foreach (var batch in new RecordSetBatches(chunk.WrittenSpan))
            {
                var header = new RecordBatchHeader(batch);
                if (header.BaseOffset >= endOffsetExclusive) return visited;
                next = header.LastOffset + 1;
                var context = new BatchContext(header.ProducerId, header.ProducerEpoch, header.IsTransactional, header.IsControl);
                foreach (var record in RecordReader.ForBatch(batch, decompressed))
                {
                    if (record.Offset < offset || record.Offset >= endOffsetExclusive) continue;
                    visit(in context, record.Offset, record.Key, record.IsKeyNull, record.Value, record.IsValueNull);
                    visited++;
                }
            }
            if (next <= offset) break;
            offset = next;
        }
        return visited;
    }
}
