using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.Protocol.Tests;

public class PrimitivesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(300)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void VarIntRoundTrips(int value)
    {
        using var buf = new PooledBufferWriter();
        new ProtocolWriter(buf).WriteVarInt(value);
        var r = new ProtocolReader(buf.WrittenMemory.ToArray());
        Assert.Equal(value, r.ReadVarInt());
        Assert.True(r.End);
    }

    [Fact]
    public void CompactStringIsLengthPlusOne()
    {
        using var buf = new PooledBufferWriter();
        var w = new ProtocolWriter(buf, flexible: true);
        w.WriteNullableString("ab");
        w.WriteNullableString(null);
        Assert.Equal(new byte[] { 3, (byte)'a', (byte)'b', 0 }, buf.WrittenSpan.ToArray());
    }

    [Fact]
    public void TruncatedInputThrowsProtocolException()
    {
        var ex = Record.Exception(() =>
        {
            var r = new ProtocolReader(new byte[] { 0, 5, (byte)'a' });
            r.ReadString();
        });
        Assert.IsType<ProtocolException>(ex);
    }

    [Fact]
    public void ApiVersionsV3RoundTripsWithTaggedFeatures()
    {
        var resp = new ApiVersionsResponse
        {
            ApiKeys = [new(18, 0, 4), new(0, 0, 13)],
            SupportedFeatures = [new("metadata.version", 1, 20)],
            FinalizedFeaturesEpoch = 5,
        };
        using var buf = new PooledBufferWriter();
        resp.Write(new ProtocolWriter(buf, flexible: true), 3);
        var r = new ProtocolReader(buf.WrittenMemory.ToArray(), flexible: true);
        var back = new ApiVersionsResponse();
        back.Read(ref r, 3);
        Assert.True(r.End);
        Assert.Equal(resp.ApiKeys, back.ApiKeys);
        Assert.Equal(resp.SupportedFeatures, back.SupportedFeatures);
        Assert.Equal(5, back.FinalizedFeaturesEpoch);
    }

    [Fact]
    public void Crc32CMatchesKnownVector()
    {
        // RFC 3720 test vector: 32 bytes of zeros -> 0x8A9136AA
        Assert.Equal(0x8A9136AAu, Brook.Protocol.Records.Crc32C.Compute(new byte[32]));
        Assert.Equal(0xE3069283u, Brook.Protocol.Records.Crc32C.Compute("123456789"u8));
    }
}
