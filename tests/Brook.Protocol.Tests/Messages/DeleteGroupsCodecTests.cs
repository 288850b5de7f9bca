using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DeleteGroupsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DeleteGroupsRequest.Api);
    private static bool Flexible(short version) => DeleteGroupsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new DeleteGroupsRequest { GroupsNames = ["a", "b"] }, version, Flexible(version));
        Assert.Equal(["a", "b"], back.GroupsNames);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DeleteGroupsResponse
        {
            ThrottleTimeMs = 3,
            Results = [new() { GroupId = "a" }, new() { GroupId = "b", ErrorCode = 68 }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(3, back.ThrottleTimeMs);
        Assert.Equal(new[] { ("a", (short)0), ("b", (short)68) }, back.Results.Select(r => (r.GroupId, r.ErrorCode)));
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new DeleteGroupsRequest { GroupsNames = ["g"] };
        Assert.Equal(Hex("00000001 0001 67"), CodecTestHelper.Encode(request, 0, false));
        var v2 = Hex("02 02 67 00");
        Assert.Equal(v2, CodecTestHelper.Encode(request, 2, true));
        Assert.Equal(["g"], Decode<DeleteGroupsRequest>(v2, 2, true).GroupsNames);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new DeleteGroupsResponse { Results = [new() { GroupId = "g", ErrorCode = 68 }] };
        Assert.Equal(Hex("00000000 00000001 0001 67 0044"), CodecTestHelper.Encode(response, 0, false)); // NON_EMPTY_GROUP
        var v2 = Hex("00000000 02 02 67 0044 00 00");
        Assert.Equal(v2, CodecTestHelper.Encode(response, 2, true));
        Assert.Equal(68, Decode<DeleteGroupsResponse>(v2, 2, true).Results[0].ErrorCode);
    }
}
