using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AllocateProducerIdsCodecTests
{
    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new AllocateProducerIdsRequest { BrokerId = 2, BrokerEpoch = 17 };
        var expected = Hex(
            "00000002" +            // broker id
            "0000000000000011" +    // broker epoch
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, flexible: true));
        var back = CodecTestHelper.RoundTrip(request, 0, flexible: true);
        Assert.Equal((2, 17L), (back.BrokerId, back.BrokerEpoch));
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new AllocateProducerIdsResponse { ErrorCode = 0, ProducerIdStart = 1000, ProducerIdLen = 1000 };
        var expected = Hex(
            "00000000" +            // throttle
            "0000" +                // no error
            "00000000000003E8" +    // start 1000
            "000003E8" +            // length 1000
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, flexible: true));
        var back = CodecTestHelper.RoundTrip(response, 0, flexible: true);
        Assert.Equal((1000L, 1000), (back.ProducerIdStart, back.ProducerIdLen));
    }
}
