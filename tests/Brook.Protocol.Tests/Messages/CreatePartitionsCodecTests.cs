using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class CreatePartitionsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(CreatePartitionsRequest.Api);
    private static bool Flexible(short version) => CreatePartitionsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new CreatePartitionsRequest
        {
            Topics =
            [
                new() { Name = "orders", Count = 12, Assignments = null },
                new() { Name = "manual", Count = 3, Assignments = [new() { BrokerIds = [1, 2] }, new() { BrokerIds = [2, 3] }] },
            ],
            TimeoutMs = 30000,
            ValidateOnly = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(30000, back.TimeoutMs);
        Assert.True(back.ValidateOnly);
        Assert.Equal(("orders", 12), (back.Topics[0].Name, back.Topics[0].Count));
        Assert.Null(back.Topics[0].Assignments);
        Assert.Equal(("manual", 3), (back.Topics[1].Name, back.Topics[1].Count));
        Assert.Equal(2, back.Topics[1].Assignments!.Count);
        Assert.Equal([1, 2], back.Topics[1].Assignments![0].BrokerIds);
        Assert.Equal([2, 3], back.Topics[1].Assignments![1].BrokerIds);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new CreatePartitionsResponse
        {
            ThrottleTimeMs = 4,
            Results = [new() { Name = "orders" }, new() { Name = "manual", ErrorCode = 37, ErrorMessage = "too few partitions" }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(4, back.ThrottleTimeMs);
        Assert.Equal(
            [("orders", (short)0, (string?)null), ("manual", (short)37, "too few partitions")],
            back.Results.Select(r => (r.Name, r.ErrorCode, r.ErrorMessage)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new CreatePartitionsRequest { Topics = [new() { Name = "t", Count = 3 }], TimeoutMs = 1000 };
        var expected = Hex(
            "00000001" +            // topics: 1
            "0001 74 00000003" +    // "t" -> 3 partitions
            "FFFFFFFF" +            // assignments: null
            "000003E8 00");         // timeout 1000, ValidateOnly false
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Null(Decode<CreatePartitionsRequest>(expected, 0, false).Topics[0].Assignments);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var request = new CreatePartitionsRequest
        {
            Topics = [new() { Name = "t", Count = 2, Assignments = [new() { BrokerIds = [1, 2] }] }],
            TimeoutMs = 1000,
            ValidateOnly = true,
        };
        var expected = Hex(
            "02" +                  // topics: 1
            "02 74 00000002" +      // "t" -> 2 partitions
            "02 03 00000001 00000002 00" + // assignments: [1, 2], tags
            "00" +                  // topic tags
            "000003E8 01 00");      // timeout 1000, ValidateOnly, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 2, true));
        Assert.Equal([1, 2], Decode<CreatePartitionsRequest>(expected, 2, true).Topics[0].Assignments![0].BrokerIds);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new CreatePartitionsResponse { Results = [new() { Name = "t", ErrorCode = 37, ErrorMessage = "bad" }] };
        var v0 = Hex("00000000 00000001 0001 74 0025 0003 626164");
        var v3 = Hex("00000000 02 02 74 0025 04 626164 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v3, CodecTestHelper.Encode(response, 3, true));
        Assert.Equal("bad", Decode<CreatePartitionsResponse>(v3, 3, true).Results[0].ErrorMessage);
    }
}
