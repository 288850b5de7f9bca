using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class BrokerHeartbeatCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(BrokerHeartbeatRequest.Api);
    private static readonly Uuid LogDir = new(0x1111111111111111, 0x2222222222222222);

    private static BrokerHeartbeatRequest SampleRequest() => new()
    {
        BrokerId = 1, BrokerEpoch = 10, CurrentMetadataOffset = 500, WantFence = false, WantShutDown = true, OfflineLogDirs = [LogDir],
    };

    [Fact]
    public void Defaults()
    {
        Assert.Equal(-1, new BrokerHeartbeatRequest().BrokerEpoch);
        Assert.True(new BrokerHeartbeatResponse().IsFenced);
        Assert.True(BrokerHeartbeatRequest.Api.IsFlexible(0));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(), version, true);
        Assert.Equal((1, 10L, 500L, false, true), (back.BrokerId, back.BrokerEpoch, back.CurrentMetadataOffset, back.WantFence, back.WantShutDown));
        Assert.Equal(version >= 1 ? [LogDir] : new List<Uuid>(), back.OfflineLogDirs);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new BrokerHeartbeatResponse { ThrottleTimeMs = 1, IsCaughtUp = true, IsFenced = false, ShouldShutDown = true };
        var back = CodecTestHelper.RoundTrip(response, version, true);
        Assert.Equal((1, (short)0, true, false, true), (back.ThrottleTimeMs, back.ErrorCode, back.IsCaughtUp, back.IsFenced, back.ShouldShutDown));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "00000001" +            // broker id
            "000000000000000A" +    // broker epoch 10
            "00000000000001F4" +    // current metadata offset 500
            "00 01" +               // want fence: no, want shutdown: yes
            "00");                  // no tags: offline log dirs are v1+
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, true));
        Assert.Empty(Decode<BrokerHeartbeatRequest>(expected, 0, true).OfflineLogDirs);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "00000001 000000000000000A 00000000000001F4 00 01" +
            "01 00 11" +            // 1 tag: tag 0 offline log dirs, 17 bytes
            "02 1111111111111111 2222222222222222"); // 1 directory id
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 1, true));
        Assert.Equal(LogDir, Assert.Single(Decode<BrokerHeartbeatRequest>(expected, 1, true).OfflineLogDirs));

        var healthy = SampleRequest();
        healthy.OfflineLogDirs = [];
        Assert.Equal(Hex("00000001 000000000000000A 00000000000001F4 00 01 00"), CodecTestHelper.Encode(healthy, 1, true));
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var expected = Hex("00000000 0000 01 00 00 00"); // throttle, error, caught up, not fenced, no shutdown, tags
        var response = new BrokerHeartbeatResponse { IsCaughtUp = true, IsFenced = false };
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, true));
        Assert.False(Decode<BrokerHeartbeatResponse>(expected, 1, true).IsFenced);
    }
}
