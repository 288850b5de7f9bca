using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class InitProducerIdCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(InitProducerIdRequest.Api);
    private static bool Flexible(short version) => InitProducerIdRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new InitProducerIdRequest
        {
            TransactionalId = "tx-1",
            TransactionTimeoutMs = 60000,
            ProducerId = 4242,
            ProducerEpoch = 3,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal("tx-1", back.TransactionalId);
        Assert.Equal(60000, back.TransactionTimeoutMs);
        Assert.Equal(version >= 3 ? 4242L : -1L, back.ProducerId);
        Assert.Equal(version >= 3 ? (short)3 : (short)-1, back.ProducerEpoch);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void NonTransactionalRequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new InitProducerIdRequest { TransactionalId = null }, version, Flexible(version));
        Assert.Null(back.TransactionalId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new InitProducerIdResponse { ThrottleTimeMs = 5, ErrorCode = 90, ProducerId = 1L << 40, ProducerEpoch = 12 };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(5, back.ThrottleTimeMs);
        Assert.Equal((short)90, back.ErrorCode);
        Assert.Equal(1L << 40, back.ProducerId);
        Assert.Equal((short)12, back.ProducerEpoch);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60000 };
        var expected = Hex("FFFF 0000EA60"); // null transactional id, timeout 60000
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Null(Decode<InitProducerIdRequest>(expected, 0, false).TransactionalId);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new InitProducerIdRequest { TransactionalId = "tx", TransactionTimeoutMs = 60000, ProducerId = 1000, ProducerEpoch = 5 };
        var expected = Hex(
            "03 7478" +              // "tx"
            "0000EA60" +             // timeout 60000
            "00000000000003E8 0005" + // producer id 1000, epoch 5
            "00");                   // tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, true));
        var back = Decode<InitProducerIdRequest>(expected, 3, true);
        Assert.Equal(1000L, back.ProducerId);
        Assert.Equal((short)5, back.ProducerEpoch);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new InitProducerIdResponse { ProducerId = 1, ProducerEpoch = 0 };
        var body = "00000000 0000 0000000000000001 0000"; // throttle, error, producer id 1, epoch 0
        Assert.Equal(Hex(body), CodecTestHelper.Encode(response, 1, false));
        Assert.Equal(Hex(body + "00"), CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(1L, Decode<InitProducerIdResponse>(Hex(body + "00"), 4, true).ProducerId);
    }
}
