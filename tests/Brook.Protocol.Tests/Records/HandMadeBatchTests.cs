using System.Buffers.Binary;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

/// <summary>
/// A batch written byte by byte from the RecordBatch v2 spec, as a producer would send it, with its CRC computed by an
/// independent bit-at-a-time CRC-32C: it must validate, read back field for field, and equal what the builder writes.
/// </summary>
public class HandMadeBatchTests
{
    private static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static byte[] HandMadeBatch()
    {
        byte[] batch =
        [
            0, 0, 0, 0, 0, 0, 0, 0,                         // BaseOffset 0
            0, 0, 0, 77,                                    // BatchLength: 89 - 12
            0xFF, 0xFF, 0xFF, 0xFF,                         // PartitionLeaderEpoch -1
            2,                                              // Magic
            0, 0, 0, 0,                                     // CRC, filled below
            0, 0,                                           // Attributes: uncompressed, CreateTime
            0, 0, 0, 1,                                     // LastOffsetDelta
            0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, // BaseTimestamp 1,700,000,000,000
            0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x0A, // MaxTimestamp +10
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // ProducerId -1
            0xFF, 0xFF,                                     // ProducerEpoch -1
            0xFF, 0xFF, 0xFF, 0xFF,                         // BaseSequence -1
            0, 0, 0, 2,                                     // RecordCount
            // Record 0: length 14, attributes, timestampDelta 0, offsetDelta 0, key "key", value "value", 0 headers.
            0x1C, 0x00, 0x00, 0x00, 0x06, (byte)'k', (byte)'e', (byte)'y', 0x0A, (byte)'v', (byte)'a', (byte)'l', (byte)'u', (byte)'e', 0x00,
            // Record 1: length 12, attributes, timestampDelta 10, offsetDelta 1, null key, value "v2", 1 header h=x.
            0x18, 0x00, 0x14, 0x02, 0x01, 0x04, (byte)'v', (byte)'2', 0x02, 0x02, (byte)'h', 0x02, (byte)'x',
        ];
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchHeader.CrcPosition), BitwiseCrc32C(batch.AsSpan(RecordBatchHeader.AttributesPosition)));
        return batch;
    }

    [Fact]
    public void ReferenceCrcMatchesTheCheckValue()
    {
        Assert.Equal(0xE3069283u, BitwiseCrc32C("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void HandMadeBatchValidatesAndReadsBack()
    {
        var batch = HandMadeBatch();
        Assert.Equal(89, batch.Length);
        var result = RecordBatchValidator.Validate(batch, 1000);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(2, result.TotalRecordCount);
        Assert.Equal(1_700_000_000_010, result.FirstBatch.MaxRecordTimestamp);

        var read = RecordTestData.ReadAll(batch);
        RecordTestData.AssertSameRecords(
        [
            new(1_700_000_000_000, "key"u8.ToArray(), "value"u8.ToArray(), []),
            new(1_700_000_000_010, null, "v2"u8.ToArray(), [new("h", "x"u8.ToArray())]),
        ], read);
    }

    [Fact]
    public void BuilderWritesTheSameBytes()
    {
        using var builder = new RecordBatchBuilder();
        builder.Add(1_700_000_000_000, "key"u8.ToArray(), "value"u8.ToArray());
        builder.Add(1_700_000_000_010, null, "v2"u8.ToArray(), new RecordHeader("h", "x"u8.ToArray()));
        Assert.Equal(HandMadeBatch(), builder.Build());
    }
}
