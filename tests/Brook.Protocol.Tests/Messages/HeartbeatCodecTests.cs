using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class HeartbeatCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(HeartbeatRequest.Api);
    private static bool Flexible(short version) => HeartbeatRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new HeartbeatRequest { GroupId = "group", GenerationId = 9, MemberId = "m1", GroupInstanceId = "i1" };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("group", 9, "m1"), (back.GroupId, back.GenerationId, back.MemberId));
        Assert.Equal(version >= 3 ? "i1" : null, back.GroupInstanceId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new HeartbeatResponse { ThrottleTimeMs = 2, ErrorCode = 27 }, version, Flexible(version));

        Assert.Equal(version >= 1 ? 2 : 0, back.ThrottleTimeMs);
        Assert.Equal(27, back.ErrorCode);
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new HeartbeatRequest { GroupId = "g", GenerationId = 2, MemberId = "m", GroupInstanceId = "i" };
        var v0 = Hex("0001 67 00000002 0001 6D");           // group, generation, member
        var v4 = Hex("02 67 00000002 02 6D 02 69 00");      // ... instance "i", tags
        Assert.Equal(v0, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal(v4, CodecTestHelper.Encode(request, 4, true));
        Assert.Equal("i", Decode<HeartbeatRequest>(v4, 4, true).GroupInstanceId);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new HeartbeatResponse { ThrottleTimeMs = 1, ErrorCode = 27 };
        Assert.Equal(Hex("001B"), CodecTestHelper.Encode(response, 0, false));
        var v4 = Hex("00000001 001B 00");                   // throttle, REBALANCE_IN_PROGRESS, tags
        Assert.Equal(v4, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(27, Decode<HeartbeatResponse>(v4, 4, true).ErrorCode);
    }
}
