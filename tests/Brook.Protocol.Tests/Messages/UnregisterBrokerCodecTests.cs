using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class UnregisterBrokerCodecTests
{
    [Fact]
    public void OnlyV0FlexibleFromTheStart()
    {
        Assert.Equal((0, 0), (UnregisterBrokerRequest.Api.MinVersion, UnregisterBrokerRequest.Api.MaxVersion));
        Assert.True(UnregisterBrokerRequest.Api.IsFlexible(0));
    }

    [Fact]
    public void RequestGoldenBytesAndRoundTrip()
    {
        var expected = Hex("00000003 00"); // broker id 3, tags
        Assert.Equal(expected, CodecTestHelper.Encode(new UnregisterBrokerRequest { BrokerId = 3 }, 0, true));
        Assert.Equal(3, Decode<UnregisterBrokerRequest>(expected, 0, true).BrokerId);
        Assert.Equal(3, CodecTestHelper.RoundTrip(new UnregisterBrokerRequest { BrokerId = 3 }, 0, true).BrokerId);
    }

    [Fact]
    public void ResponseGoldenBytesAndRoundTrip()
    {
        var ok = Hex("00000000 0000 00 00"); // throttle, error, message null, tags
        Assert.Equal(ok, CodecTestHelper.Encode(new UnregisterBrokerResponse(), 0, true));
        Assert.Null(Decode<UnregisterBrokerResponse>(ok, 0, true).ErrorMessage);

        var failed = new UnregisterBrokerResponse { ThrottleTimeMs = 5, ErrorCode = 69, ErrorMessage = "bye" };
        Assert.Equal(Hex("00000005 0045 04 627965 00"), CodecTestHelper.Encode(failed, 0, true));
        var back = CodecTestHelper.RoundTrip(failed, 0, true);
        Assert.Equal((5, (short)69, "bye"), (back.ThrottleTimeMs, back.ErrorCode, back.ErrorMessage));
    }
}
