using Brook.Protocol.Records;

namespace Brook.Storage;

/// <summary>
/// Finds, inside one uncompressed CreateTime batch, the first record whose timestamp is at or after a target, by walking
/// the records' varint framing (length, attributes, timestampDelta, offsetDelta) without decoding keys or values.
/// </summary>
internal static class RecordTimestampSearch
{
    /// <summary>
    /// (offset, timestamp) of the first record with timestamp &gt;= <paramref name="target"/> and offset &gt;=
    /// <paramref name="minOffset"/>, or null.
    /// </summary>
    public static (long Offset, long Timestamp)? FindFirstAtOrAfter(ReadOnlySpan<byte> batch, long target, long minOffset = long.MinValue)
    {
        var header = new RecordBatchHeader(batch);
        var records = batch[RecordBatchHeader.Size..header.TotalSize];
        var count = header.RecordCount;
        for (var i = 0; i < count && !records.IsEmpty; i++)
        {
            if (!TryReadVarLong(ref records, out var length) || length < 0 || length > records.Length) return null;
            var record = records[..(int)length];
            records = records[(int)length..];
            if (record.IsEmpty) return null;
            record = record[1..]; // attributes
            if (!TryReadVarLong(ref record, out var timestampDelta) || !TryReadVarLong(ref record, out var offsetDelta)) return null;
            var timestamp = header.BaseTimestamp + timestampDelta;
            if (timestamp >= target && header.BaseOffset + offsetDelta >= minOffset) return (header.BaseOffset + offsetDelta, timestamp);
        }
        return null;
    }

    /// <summary>Zig-zag varint as used inside records (a varint is a varlong that fits in 32 bits).</summary>
    private static bool TryReadVarLong(ref ReadOnlySpan<byte> span, out long value)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 64 && !span.IsEmpty; shift += 7)
        {
            var b = span[0];
            span = span[1..];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }
}
