using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ControllerRegistrationCodecTests
{
    private static ControllerRegistrationRequest SampleRequest() => new()
    {
        ControllerId = 3000,
        IncarnationId = SampleId,
        Listeners = [new() { Name = "CTL", Host = "h", Port = 9093, SecurityProtocol = 0 }],
        Features = [new() { Name = "k", MinSupportedVersion = 0, MaxSupportedVersion = 1 }],
    };

    [Fact]
    public void OnlyV0FlexibleFromTheStart()
    {
        Assert.Equal((0, 0), (ControllerRegistrationRequest.Api.MinVersion, ControllerRegistrationRequest.Api.MaxVersion));
        Assert.True(ControllerRegistrationRequest.Api.IsFlexible(0));
    }

    [Fact]
    public void RequestRoundTrips()
    {
        var request = SampleRequest();
        request.ZkMigrationReady = true;
        var back = CodecTestHelper.RoundTrip(request, 0, true);
        Assert.Equal((3000, SampleId, true), (back.ControllerId, back.IncarnationId, back.ZkMigrationReady));
        Assert.Equal(request.Listeners, back.Listeners);
        Assert.Equal(request.Features, back.Features); // unlike BrokerRegistration v0-3, a minimum of 0 is sent
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var expected = Hex(
            "00000BB8" +            // controller id 3000
            SampleIdHex +           // incarnation id
            "00" +                  // not ZooKeeper-migration ready
            "02 04 43544C 02 68 2385 0000 00" + // listeners: "CTL" at "h":9093, PLAINTEXT, tags
            "02 02 6B 0000 0001 00" + // features: "k" 0-1
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, true));
        Assert.Equal((ushort)9093, Decode<ControllerRegistrationRequest>(expected, 0, true).Listeners[0].Port);
    }

    [Fact]
    public void ResponseGoldenBytesAndRoundTrip()
    {
        var expected = Hex("00000000 0000 00 00"); // throttle, error, message null, tags
        Assert.Equal(expected, CodecTestHelper.Encode(new ControllerRegistrationResponse(), 0, true));
        Assert.Null(Decode<ControllerRegistrationResponse>(expected, 0, true).ErrorMessage);
        var back = CodecTestHelper.RoundTrip(new ControllerRegistrationResponse { ThrottleTimeMs = 2, ErrorCode = 41, ErrorMessage = "not active" }, 0, true);
        Assert.Equal((2, (short)41, "not active"), (back.ThrottleTimeMs, back.ErrorCode, back.ErrorMessage));
    }
}
