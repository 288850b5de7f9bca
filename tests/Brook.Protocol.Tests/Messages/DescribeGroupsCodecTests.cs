using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeGroupsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeGroupsRequest.Api);
    private static bool Flexible(short version) => DescribeGroupsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DescribeGroupsRequest { Groups = ["a", "b"], IncludeAuthorizedOperations = true };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(["a", "b"], back.Groups);
        Assert.Equal(version >= 3, back.IncludeAuthorizedOperations);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeGroupsResponse
        {
            ThrottleTimeMs = 1,
            Groups =
            [
                new()
                {
                    GroupId = "a",
                    GroupState = "Stable",
                    ProtocolType = "consumer",
                    ProtocolData = "range",
                    Members =
                    [
                        new() { MemberId = "m1", GroupInstanceId = "i1", ClientId = "c1", ClientHost = "/10.0.0.1", MemberMetadata = new byte[] { 1 }, MemberAssignment = new byte[] { 2, 3 } },
                    ],
                    AuthorizedOperations = 0x0F,
                },
                new() { GroupId = "b", ErrorCode = 69, ErrorMessage = "not found", GroupState = "Dead" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 1 : 0, back.ThrottleTimeMs);
        Assert.Equal(2, back.Groups.Count);
        var g = back.Groups[0];
        Assert.Equal(("a", "Stable", "consumer", "range"), (g.GroupId, g.GroupState, g.ProtocolType, g.ProtocolData));
        Assert.Equal(version >= 3 ? 0x0F : DescribeGroupsResponse.AuthorizedOperationsOmitted, g.AuthorizedOperations);
        var m = Assert.Single(g.Members);
        Assert.Equal(("m1", "c1", "/10.0.0.1"), (m.MemberId, m.ClientId, m.ClientHost));
        Assert.Equal(version >= 4 ? "i1" : null, m.GroupInstanceId);
        Assert.Equal(new byte[] { 1 }, m.MemberMetadata.ToArray());
        Assert.Equal(new byte[] { 2, 3 }, m.MemberAssignment.ToArray());
        var failed = back.Groups[1];
        Assert.Equal(("b", (short)69, "Dead"), (failed.GroupId, failed.ErrorCode, failed.GroupState));
        Assert.Equal(version >= 6 ? "not found" : null, failed.ErrorMessage);
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new DescribeGroupsRequest { Groups = ["g"] };
        Assert.Equal(Hex("00000001 0001 67"), CodecTestHelper.Encode(request, 0, false));
        var v5 = Hex("02 02 67 00 00");                     // ["g"], include authorized operations false, tags
        Assert.Equal(v5, CodecTestHelper.Encode(request, 5, true));
        Assert.Equal(["g"], Decode<DescribeGroupsRequest>(v5, 5, true).Groups);
    }

    private static DescribeGroupsResponse SmallResponse() => new()
    {
        Groups =
        [
            new()
            {
                GroupId = "g",
                GroupState = "Stable",
                ProtocolType = "consumer",
                ProtocolData = "range",
                Members = [new() { MemberId = "m", ClientId = "c", ClientHost = "h", MemberMetadata = new byte[] { 1 }, MemberAssignment = new byte[] { 2 } }],
            },
        ],
    };

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "00000001" +                // 1 group (no throttle in v0)
            "0000" +                    // error
            "0001 67" +                 // group id
            "0006 537461626C65" +       // "Stable"
            "0008 636F6E73756D6572" +   // "consumer"
            "0005 72616E6765" +         // "range"
            "00000001" +                // 1 member
            "0001 6D 0001 63 0001 68" + // member id, client id, host
            "00000001 01" +             // metadata
            "00000001 02");             // assignment
        Assert.Equal(expected, CodecTestHelper.Encode(SmallResponse(), 0, false));
        Assert.Equal("h", Decode<DescribeGroupsResponse>(expected, 0, false).Groups[0].Members[0].ClientHost);
    }

    [Fact]
    public void ResponseV6GoldenBytes()
    {
        var expected = Hex(
            "00000000" +                // throttle
            "02" +                      // 1 group
            "0000 00" +                 // error, error message null
            "02 67" +
            "07 537461626C65" +
            "09 636F6E73756D6572" +
            "06 72616E6765" +
            "02" +                      // 1 member
            "02 6D 00 02 63 02 68" +    // member id, instance null, client id, host
            "02 01 02 02 00" +          // metadata, assignment, member tags
            "80000000" +                // authorized operations omitted
            "00 00");                   // group, response tags
        Assert.Equal(expected, CodecTestHelper.Encode(SmallResponse(), 6, true));
        Assert.Equal(int.MinValue, Decode<DescribeGroupsResponse>(expected, 6, true).Groups[0].AuthorizedOperations);
    }
}
