using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AddOffsetsToTxnCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AddOffsetsToTxnRequest.Api);
    private static bool Flexible(short version) => AddOffsetsToTxnRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new AddOffsetsToTxnRequest { TransactionalId = "tx-1", ProducerId = 1L << 35, ProducerEpoch = 9, GroupId = "readers" };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("tx-1", 1L << 35, (short)9, "readers"), (back.TransactionalId, back.ProducerId, back.ProducerEpoch, back.GroupId));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new AddOffsetsToTxnResponse { ThrottleTimeMs = 6, ErrorCode = 48 }, version, Flexible(version));
        Assert.Equal((6, (short)48), (back.ThrottleTimeMs, back.ErrorCode));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new AddOffsetsToTxnRequest { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, GroupId = "g" };
        var expected = Hex("0002 7478 00000000000003E8 0001 0001 67"); // "tx", producer 1000, epoch 1, group "g"
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal("g", Decode<AddOffsetsToTxnRequest>(expected, 0, false).GroupId);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new AddOffsetsToTxnRequest { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, GroupId = "g" };
        var expected = Hex("03 7478 00000000000003E8 0001 02 67 00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, true));
        Assert.Equal("tx", Decode<AddOffsetsToTxnRequest>(expected, 3, true).TransactionalId);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new AddOffsetsToTxnResponse { ErrorCode = 47 };
        Assert.Equal(Hex("00000000 002F"), CodecTestHelper.Encode(response, 2, false));
        Assert.Equal(Hex("00000000 002F 00"), CodecTestHelper.Encode(response, 4, true));
        Assert.Equal((short)47, Decode<AddOffsetsToTxnResponse>(Hex("00000000 002F 00"), 4, true).ErrorCode);
    }
}
