using System.Buffers.Binary;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

/// <summary>Builds minimal valid uncompressed v2 record batches (correct CRC) for storage tests.</summary>
internal static class TestBatches
{
    /// <summary>A batch of <paramref name="recordCount"/> records; record i has timestamp <c>timestampOf(i)</c> (default baseTimestamp + i).</summary>
    public static byte[] Build(int recordCount, long baseTimestamp = 1_000, Func<int, long>? timestampOf = null,
        long producerId = -1, short producerEpoch = -1, int baseSequence = -1, int valueSize = 16, short attributes = 0)
    {
        timestampOf ??= i => baseTimestamp + i;
        var records = new List<byte>();
        var maxTimestamp = long.MinValue;
        var firstTimestamp = timestampOf(0);
        for (var i = 0; i < recordCount; i++)
        {
            var ts = timestampOf(i);
            maxTimestamp = Math.Max(maxTimestamp, ts);
            var body = new List<byte> { 0 }; // attributes
            WriteVarLong(body, ts - firstTimestamp);
            WriteVarLong(body, i);
            WriteVarLong(body, -1); // null key
            WriteVarLong(body, valueSize);
            for (var b = 0; b < valueSize; b++) body.Add((byte)(i + b));
            WriteVarLong(body, 0); // no headers
            WriteVarLong(records, body.Count);
            records.AddRange(body);
        }

        var batch = new byte[RecordBatchHeader.Size + records.Count];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1);
        span[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], firstTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], recordCount);
        records.CopyTo(batch, RecordBatchHeader.Size);
        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }

    public static byte[] Concat(params byte[][] batches) => batches.SelectMany(b => b).ToArray();

    /// <summary>Splits record-set bytes into (base offset, last offset, bytes) and checks each CRC.</summary>
    public static List<(long BaseOffset, long LastOffset, byte[] Bytes)> Parse(ReadOnlySpan<byte> set)
    {
        var list = new List<(long, long, byte[])>();
        while (!set.IsEmpty)
        {
            var header = new RecordBatchHeader(set);
            var bytes = set[..header.TotalSize].ToArray();
            Assert.Equal(header.Crc, RecordBatchHeader.ComputeCrc(bytes));
            list.Add((header.BaseOffset, header.LastOffset, bytes));
            set = set[header.TotalSize..];
        }
        return list;
    }

    public static byte[] ToBytes(this RecordSet set)
    {
        var bytes = new byte[set.SizeInBytes];
        set.CopyTo(bytes);
        return bytes;
    }

    private static void WriteVarLong(List<byte> output, long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        while (v >= 0x80)
        {
            output.Add((byte)(v | 0x80));
            v >>= 7;
        }
        output.Add((byte)v);
    }
}
