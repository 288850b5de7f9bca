using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class LeaveGroupCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(LeaveGroupRequest.Api);
    private static bool Flexible(short version) => LeaveGroupRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var first = new LeaveGroupRequest.MemberIdentity { MemberId = "m1", GroupInstanceId = "i1", Reason = "shutdown" };
        var second = new LeaveGroupRequest.MemberIdentity { MemberId = "m2" };
        var request = new LeaveGroupRequest { GroupId = "group", Members = version >= 3 ? [first, second] : [first] };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal("group", back.GroupId);
        Assert.Equal(version >= 3 ? 2 : 1, back.Members.Count);
        var m = back.Members[0];
        Assert.Equal("m1", m.MemberId);
        Assert.Equal(version >= 3 ? "i1" : null, m.GroupInstanceId);
        Assert.Equal(version >= 5 ? "shutdown" : null, m.Reason);
        if (version >= 3) Assert.Equal(("m2", (string?)null), (back.Members[1].MemberId, back.Members[1].GroupInstanceId));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new LeaveGroupResponse
        {
            ThrottleTimeMs = 3,
            Members = [new() { MemberId = "m1", GroupInstanceId = "i1" }, new() { MemberId = "m2", ErrorCode = 25 }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 3 : 0, back.ThrottleTimeMs);
        if (version >= 3)
        {
            Assert.Equal(0, back.ErrorCode);
            Assert.Equal(2, back.Members.Count);
            Assert.Equal(("m1", "i1", (short)0), (back.Members[0].MemberId, back.Members[0].GroupInstanceId, back.Members[0].ErrorCode));
            Assert.Equal(("m2", (string?)null, (short)25), (back.Members[1].MemberId, back.Members[1].GroupInstanceId, back.Members[1].ErrorCode));
        }
        else
        {
            // No per-member results before v3: the member's failure surfaces as the top-level error.
            Assert.Equal(25, back.ErrorCode);
            Assert.Empty(back.Members);
        }
    }

    [Fact]
    public void OldVersionsRequireExactlyOneMember()
    {
        var request = new LeaveGroupRequest { GroupId = "g", Members = [new() { MemberId = "a" }, new() { MemberId = "b" }] };
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(request, 2, false));
    }

    [Fact]
    public void TopLevelErrorWinsOverMemberErrorsBeforeV3()
    {
        var response = new LeaveGroupResponse { ErrorCode = 16, Members = [new() { MemberId = "m", ErrorCode = 25 }] };
        Assert.Equal(Hex("0010"), CodecTestHelper.Encode(response, 0, false));
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new LeaveGroupRequest { GroupId = "g", Members = [new() { MemberId = "m", Reason = "r" }] };
        Assert.Equal(Hex("0001 67 0001 6D"), CodecTestHelper.Encode(request, 0, false));   // group, member id
        var v3 = Hex(
            "0001 67" +             // group
            "00000001" +            // 1 member
            "0001 6D" +             // member id
            "FFFF");                // group instance id null (no reason before v5)
        Assert.Equal(v3, CodecTestHelper.Encode(request, 3, false));
        var v5 = Hex(
            "02 67" +               // group
            "02" +                  // 1 member
            "02 6D 00 02 72 00" +   // "m", instance null, reason "r", tags
            "00");
        Assert.Equal(v5, CodecTestHelper.Encode(request, 5, true));
        Assert.Equal("r", Decode<LeaveGroupRequest>(v5, 5, true).Members[0].Reason);
        Assert.Equal("m", Decode<LeaveGroupRequest>(Hex("0001 67 0001 6D"), 0, false).Members[0].MemberId);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new LeaveGroupResponse { Members = [new() { MemberId = "m", ErrorCode = 25 }] };
        Assert.Equal(Hex("00000000 0019"), CodecTestHelper.Encode(response, 1, false));   // throttle, UNKNOWN_MEMBER_ID
        var v4 = Hex(
            "00000000 0000" +       // throttle, top-level error
            "02" +                  // 1 member
            "02 6D 00 0019 00" +    // "m", instance null, error 25, tags
            "00");
        Assert.Equal(v4, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(25, Decode<LeaveGroupResponse>(v4, 4, true).Members[0].ErrorCode);
    }
}
