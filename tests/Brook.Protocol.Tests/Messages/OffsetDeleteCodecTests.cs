using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class OffsetDeleteCodecTests
{
    [Fact]
    public void NeverFlexible() => Assert.False(OffsetDeleteRequest.Api.IsFlexible(0));

    [Fact]
    public void RequestRoundTrips()
    {
        var request = new OffsetDeleteRequest
        {
            GroupId = "group",
            Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 3 }] }],
        };

        var back = CodecTestHelper.RoundTrip(request, 0, flexible: false);

        Assert.Equal("group", back.GroupId);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([0, 3], topic.Partitions.Select(p => p.PartitionIndex));
    }

    [Fact]
    public void ResponseRoundTrips()
    {
        var response = new OffsetDeleteResponse
        {
            ErrorCode = 0,
            ThrottleTimeMs = 4,
            Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 3, ErrorCode = 86 }] }],
        };

        var back = CodecTestHelper.RoundTrip(response, 0, flexible: false);

        Assert.Equal(((short)0, 4), (back.ErrorCode, back.ThrottleTimeMs));
        var topic = Assert.Single(back.Topics);
        Assert.Equal(new[] { (0, (short)0), (3, (short)86) }, topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var request = new OffsetDeleteRequest { GroupId = "g", Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0 }] }] };
        var expected = Hex(
            "0001 67" +             // group
            "00000001 0001 74" +    // 1 topic "t"
            "00000001 00000000");   // partitions [0]
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal("t", Decode<OffsetDeleteRequest>(expected, 0, false).Topics[0].Name);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new OffsetDeleteResponse
        {
            ThrottleTimeMs = 1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, ErrorCode = 86 }] }],
        };
        var expected = Hex(
            "0000" +                // group error first...
            "00000001" +            // ...then throttle time
            "00000001 0001 74" +
            "00000001 00000000 0056"); // partition 0, GROUP_SUBSCRIBED_TO_TOPIC
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(86, Decode<OffsetDeleteResponse>(expected, 0, false).Topics[0].Partitions[0].ErrorCode);
    }
}
