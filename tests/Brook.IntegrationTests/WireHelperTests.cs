using System.Buffers.Binary;
using Brook.IntegrationTests.Wire;

namespace Brook.IntegrationTests;

/// <summary>Broker-free checks of the hand-written wire helpers the raw tests depend on.</summary>
public sealed class WireHelperTests
{
    [Fact]
    public void Crc32CMatchesTheStandardCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(-65, new byte[] { 0x81, 0x01 })]
    public void VarintUsesZigZag(int value, byte[] expected) =>
        Assert.Equal(expected, new WireWriter().Varint(value).ToArray());

    [Fact]
    public void RecordBatchHeaderIsConsistent()
    {
        var batch = TestRecordBatch.Build([("k"u8.ToArray(), "v"u8.ToArray()), (null, null)], 1000);
        Assert.Equal(batch.Length - 12, BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(8)));
        Assert.Equal(2, batch[16]); // magic
        Assert.Equal(Crc32C.Compute(batch.AsSpan(TestRecordBatch.CrcCoveredFrom)),
            BinaryPrimitives.ReadUInt32BigEndian(batch.AsSpan(TestRecordBatch.CrcPosition)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(23)));  // last offset delta
        Assert.Equal(1001, BinaryPrimitives.ReadInt64BigEndian(batch.AsSpan(35))); // max timestamp
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(57)));  // record count
    }

    [Fact]
    public void RequestFrameHasSizePrefixAndHeaderV1()
    {
        var frame = RawKafkaConnection.EncodeRequest(18, 0, 42, ReadOnlySpan<byte>.Empty);
        Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.Equal(18, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4)));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(6)));
        Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(8)));
        Assert.Equal("brook-raw-test".Length, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(12)));
    }
}
