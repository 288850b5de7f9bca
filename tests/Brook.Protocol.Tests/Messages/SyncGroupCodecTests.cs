using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class SyncGroupCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(SyncGroupRequest.Api);
    private static bool Flexible(short version) => SyncGroupRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new SyncGroupRequest
        {
            GroupId = "group",
            GenerationId = 3,
            MemberId = "m1",
            GroupInstanceId = "i1",
            ProtocolType = "consumer",
            ProtocolName = "range",
            Assignments = [new() { MemberId = "m1", Assignment = new byte[] { 1, 2 } }, new() { MemberId = "m2" }],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("group", 3, "m1"), (back.GroupId, back.GenerationId, back.MemberId));
        Assert.Equal(version >= 3 ? "i1" : null, back.GroupInstanceId);
        Assert.Equal(version >= 5 ? "consumer" : null, back.ProtocolType);
        Assert.Equal(version >= 5 ? "range" : null, back.ProtocolName);
        Assert.Equal(2, back.Assignments.Count);
        Assert.Equal("m1", back.Assignments[0].MemberId);
        Assert.Equal(new byte[] { 1, 2 }, back.Assignments[0].Assignment.ToArray());
        Assert.True(back.Assignments[1].Assignment.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new SyncGroupResponse
        {
            ThrottleTimeMs = 4,
            ErrorCode = 27,
            ProtocolType = "consumer",
            ProtocolName = "range",
            Assignment = new byte[] { 5, 6 },
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 4 : 0, back.ThrottleTimeMs);
        Assert.Equal(27, back.ErrorCode);
        Assert.Equal(version >= 5 ? "consumer" : null, back.ProtocolType);
        Assert.Equal(version >= 5 ? "range" : null, back.ProtocolName);
        Assert.Equal(new byte[] { 5, 6 }, back.Assignment.ToArray());
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new SyncGroupRequest
        {
            GroupId = "g",
            GenerationId = 1,
            MemberId = "m",
            Assignments = [new() { MemberId = "m", Assignment = new byte[] { 5 } }],
        };
        var expected = Hex(
            "0001 67" +             // group
            "00000001" +            // generation
            "0001 6D" +             // member
            "00000001" +            // 1 assignment
            "0001 6D 00000001 05"); // "m", assignment bytes
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal(new byte[] { 5 }, Decode<SyncGroupRequest>(expected, 0, false).Assignments[0].Assignment.ToArray());
    }

    [Fact]
    public void RequestV5GoldenBytes()
    {
        var request = new SyncGroupRequest
        {
            GroupId = "g",
            GenerationId = 1,
            MemberId = "m",
            ProtocolType = "consumer",
            ProtocolName = "range",
            Assignments = [new() { MemberId = "m", Assignment = new byte[] { 5 } }],
        };
        var expected = Hex(
            "02 67 00000001 02 6D" +
            "00" +                      // group instance id null
            "09 636F6E73756D6572" +     // protocol type
            "06 72616E6765" +           // protocol name
            "02" +                      // 1 assignment
            "02 6D 02 05 00" +          // "m", bytes, tags
            "00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 5, true));
        Assert.Equal("range", Decode<SyncGroupRequest>(expected, 5, true).ProtocolName);
    }

    [Fact]
    public void ResponseV0AndV4GoldenBytes()
    {
        var response = new SyncGroupResponse { Assignment = new byte[] { 5 } };
        var v0 = Hex("0000 00000001 05");                   // error, assignment
        var v4 = Hex("00000000 0000 02 05 00");             // throttle, error, compact bytes, tags
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v4, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(new byte[] { 5 }, Decode<SyncGroupResponse>(v4, 4, true).Assignment.ToArray());
    }
}
