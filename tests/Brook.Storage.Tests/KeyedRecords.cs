using System.Text;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

/// <summary>One data record as read back from a log.</summary>
internal readonly record struct StoredRecord(long Offset, string Key, string? Value, long Timestamp);

/// <summary>Keyed record batches for compaction tests, and a reader that returns a log's data records.</summary>
internal static class KeyedRecords
{
    public static byte[] Batch(long timestamp, IEnumerable<(string Key, string? Value)> records, CompressionType compression = CompressionType.None,
        long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        using var builder = new RecordBatchBuilder(compression)
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = baseSequence,
        };
        foreach (var (key, value) in records)
            builder.Add(timestamp, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }

    public static byte[] Batch(long timestamp, params (string Key, string? Value)[] records) => Batch(timestamp, records, CompressionType.None);

    /// <summary>Every batch from the log start on (control batches included), reading like a consumer; tolerates gaps left by compaction.</summary>
    public static List<byte[]> ReadBatches(PartitionLog log)
    {
        var batches = new List<byte[]>();
        var next = log.LogStartOffset;
        while (next < log.LogEndOffset)
        {
            var result = log.Read(next, 1 << 20, long.MaxValue, minOneBatch: true);
            Assert.Equal(ErrorCode.None, result.Error);
            var parsed = TestBatches.Parse(result.Records.ToBytes());
            if (parsed.Count == 0) break; // the rest of the log was compacted away
            foreach (var (_, last, bytes) in parsed)
            {
                if (last >= next) batches.Add(bytes);
                next = Math.Max(next, last + 1);
            }
        }
        return batches;
    }

    /// <summary>Every data record from the log start on, in log order.</summary>
    public static List<StoredRecord> ReadRecords(PartitionLog log)
    {
        var records = new List<StoredRecord>();
        using var scratch = new PooledBufferWriter();
        foreach (var batch in ReadBatches(log))
        {
            if (new RecordBatchHeader(batch).IsControl) continue;
            foreach (var r in RecordReader.ForBatch(batch, scratch))
            {
                if (r.Offset < log.LogStartOffset) continue;
                records.Add(new StoredRecord(r.Offset, Encoding.UTF8.GetString(r.Key), r.IsValueNull ? null : Encoding.UTF8.GetString(r.Value), r.Timestamp));
            }
        }
        return records;
    }
}
