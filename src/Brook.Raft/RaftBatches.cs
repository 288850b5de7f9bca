using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Raft;

/// <summary>Builds the batches the node writes (data and LeaderChange) and decodes log batches for the listener.</summary>
internal static class RaftBatches
{
    /// <summary>One uncompressed batch holding one record per value, at <paramref name="baseOffset"/> in <paramref name="epoch"/>.</summary>
    public static byte[] BuildData(long baseOffset, int epoch, long timestampMs, IReadOnlyList<byte[]> values)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, PartitionLeaderEpoch = epoch };
        foreach (var value in values) builder.Add(timestampMs, key: null, value);
        return builder.Build();
    }

    /// <summary>The control batch with the epoch's LeaderChange record.</summary>
    public static byte[] BuildLeaderChange(long baseOffset, int epoch, long timestampMs, LeaderChangeRecord record)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, PartitionLeaderEpoch = epoch, IsControl = true };
        builder.Add(timestampMs, LeaderChangeRecord.Key(), record.EncodeValue());
        return builder.Build();
    }

    /// <summary>Decodes whole batches of <paramref name="set"/> whose last offset is below <paramref name="endExclusive"/>.</summary>
    public static List<CommittedBatch> Decode(ReadOnlySpan<byte> set, long endExclusive)
    {
        var result = new List<CommittedBatch>();
        using var scratch = new PooledBufferWriter(256);
        foreach (var batch in new RecordSetBatches(set))
        {
            var header = new RecordBatchHeader(batch);
            if (header.LastOffset >= endExclusive) break;
            var records = new List<byte[]>(header.RecordCount);
            foreach (var record in RecordReader.ForBatch(batch, scratch))
                records.Add(record.Value.ToArray());
            result.Add(new CommittedBatch(header.BaseOffset, header.LastOffset, header.PartitionLeaderEpoch, header.MaxTimestamp, header.IsControl, records));
        }
        return result;
    }
}
