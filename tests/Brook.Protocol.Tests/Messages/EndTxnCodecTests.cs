using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class EndTxnCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(EndTxnRequest.Api);
    private static bool Flexible(short version) => EndTxnRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new EndTxnRequest { TransactionalId = "tx-1", ProducerId = 77, ProducerEpoch = 3, Committed = true };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("tx-1", 77L, (short)3, true), (back.TransactionalId, back.ProducerId, back.ProducerEpoch, back.Committed));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new EndTxnResponse { ThrottleTimeMs = 2, ErrorCode = 0, ProducerId = 77, ProducerEpoch = 4 };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal((2, (short)0), (back.ThrottleTimeMs, back.ErrorCode));
        Assert.Equal(version >= 5 ? 77L : -1L, back.ProducerId);
        Assert.Equal(version >= 5 ? (short)4 : (short)-1, back.ProducerEpoch);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new EndTxnRequest { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, Committed = true };
        var expected = Hex("0002 7478 00000000000003E8 0001 01"); // "tx", producer 1000, epoch 1, commit
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.True(Decode<EndTxnRequest>(expected, 0, false).Committed);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new EndTxnRequest { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, Committed = false };
        var expected = Hex("03 7478 00000000000003E8 0001 00 00"); // abort, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, true));
        Assert.False(Decode<EndTxnRequest>(expected, 3, true).Committed);
    }

    [Fact]
    public void ResponseV0AndV5GoldenBytes()
    {
        var response = new EndTxnResponse { ProducerId = 1000, ProducerEpoch = 2 };
        Assert.Equal(Hex("00000000 0000"), CodecTestHelper.Encode(response, 0, false));
        var v5 = Hex("00000000 0000 00000000000003E8 0002 00"); // throttle, error, new producer id and epoch, tags
        Assert.Equal(v5, CodecTestHelper.Encode(response, 5, true));
        var back = Decode<EndTxnResponse>(v5, 5, true);
        Assert.Equal((1000L, (short)2), (back.ProducerId, back.ProducerEpoch));
    }
}
