using System.Buffers.Binary;

namespace Brook.IntegrationTests.Wire;

/// <summary>Builds an uncompressed magic-2 record batch, the payload of a Produce request's records field.</summary>
public static class TestRecordBatch
{
    /// <summary>Byte offset of the CRC field inside a batch (after baseOffset, batchLength, leaderEpoch, magic).</summary>
    public const int CrcPosition = 17;

    /// <summary>The CRC covers everything from the attributes field (offset 21) to the end of the batch.</summary>
    public const int CrcCoveredFrom = 21;

    /// <summary>
    /// Encodes <paramref name="records"/> (key/value, null allowed) as one batch with base offset 0, no producer id,
    /// timestamps <paramref name="baseTimestamp"/> + index.
    /// </summary>
    public static byte[] Build(IReadOnlyList<(byte[]? Key, byte[]? Value)> records, long baseTimestamp)
    {
        var body = new WireWriter();
        for (var i = 0; i < records.Count; i++)
        {
            var record = new WireWriter()
                .Int8(0)            // record attributes (unused)
                .Varlong(i)         // timestamp delta
                .Varint(i);         // offset delta
            WriteVarBytes(record, records[i].Key);
            WriteVarBytes(record, records[i].Value);
            record.Varint(0);       // header count
            var encoded = record.ToArray();
            body.Varint(encoded.Length).Raw(encoded);
        }
        var recordBytes = body.ToArray();

        var batch = new WireWriter()
            .Int64(0)                       // base offset (assigned by the broker)
            .Int32(0)                       // batch length, patched below
            .Int32(-1)                      // partition leader epoch
            .Int8(2)                        // magic
            .UInt32(0)                      // crc, patched below
            .Int16(0)                       // attributes: no compression, CreateTime, not transactional
            .Int32(records.Count - 1)       // last offset delta
            .Int64(baseTimestamp)           // base timestamp
            .Int64(baseTimestamp + records.Count - 1) // max timestamp
            .Int64(-1)                      // producer id
            .Int16(-1)                      // producer epoch
            .Int32(-1)                      // base sequence
            .Int32(records.Count)
            .Raw(recordBytes)
            .ToArray();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(CrcPosition), Crc32C.Compute(batch.AsSpan(CrcCoveredFrom)));
        return batch;
    }

    private static void WriteVarBytes(WireWriter w, byte[]? bytes)
    {
        if (bytes is null)
        {
            w.Varint(-1);
            return;
        }
        w.Varint(bytes.Length).Raw(bytes);
    }
}
