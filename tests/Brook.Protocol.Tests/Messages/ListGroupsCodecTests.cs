using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ListGroupsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(ListGroupsRequest.Api);
    private static bool Flexible(short version) => ListGroupsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new ListGroupsRequest { StatesFilter = ["Stable", "Empty"], TypesFilter = ["consumer"] };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(version >= 4 ? new List<string> { "Stable", "Empty" } : [], back.StatesFilter);
        Assert.Equal(version >= 5 ? new List<string> { "consumer" } : [], back.TypesFilter);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new ListGroupsResponse
        {
            ThrottleTimeMs = 2,
            Groups =
            [
                new() { GroupId = "a", ProtocolType = "consumer", GroupState = "Stable", GroupType = "classic" },
                new() { GroupId = "b", ProtocolType = "", GroupState = "Empty", GroupType = "consumer" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 2 : 0, back.ThrottleTimeMs);
        Assert.Equal(0, back.ErrorCode);
        Assert.Equal(2, back.Groups.Count);
        var g = back.Groups[0];
        Assert.Equal(("a", "consumer"), (g.GroupId, g.ProtocolType));
        Assert.Equal(version >= 4 ? "Stable" : "", g.GroupState);
        Assert.Equal(version >= 5 ? "classic" : "", g.GroupType);
        Assert.Equal(("b", ""), (back.Groups[1].GroupId, back.Groups[1].ProtocolType));
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new ListGroupsRequest { StatesFilter = ["Stable"] };
        Assert.Empty(CodecTestHelper.Encode(request, 0, false));        // v0-2 have no fields at all
        Assert.Equal(Hex("00"), CodecTestHelper.Encode(request, 3, true));
        var v5 = Hex("02 07 537461626C65 01 00");                       // states ["Stable"], types [], tags
        Assert.Equal(v5, CodecTestHelper.Encode(request, 5, true));
        Assert.Equal(["Stable"], Decode<ListGroupsRequest>(v5, 5, true).StatesFilter);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new ListGroupsResponse { Groups = [new() { GroupId = "g", ProtocolType = "consumer", GroupState = "Stable", GroupType = "classic" }] };
        var v0 = Hex(
            "0000" +                    // error (no throttle in v0)
            "00000001" +                // 1 group
            "0001 67 0008 636F6E73756D6572");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        var v5 = Hex(
            "00000000 0000" +           // throttle, error
            "02" +                      // 1 group
            "02 67 09 636F6E73756D6572" +
            "07 537461626C65" +         // state "Stable"
            "08 636C6173736963" +       // type "classic"
            "00 00");
        Assert.Equal(v5, CodecTestHelper.Encode(response, 5, true));
        Assert.Equal("classic", Decode<ListGroupsResponse>(v5, 5, true).Groups[0].GroupType);
    }
}
