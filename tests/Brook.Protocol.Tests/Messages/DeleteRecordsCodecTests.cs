using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DeleteRecordsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DeleteRecordsRequest.Api);
    private static bool Flexible(short version) => DeleteRecordsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DeleteRecordsRequest
        {
            Topics =
            [
                new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, Offset = 100 }, new() { PartitionIndex = 2, Offset = DeleteRecordsRequest.HighWatermarkOffset }] },
                new() { Name = "events", Partitions = [new() { PartitionIndex = 1, Offset = 1L << 40 }] },
            ],
            TimeoutMs = 5000,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(5000, back.TimeoutMs);
        Assert.Equal(["orders", "events"], back.Topics.Select(t => t.Name));
        Assert.Equal([(0, 100L), (2, -1L)], back.Topics[0].Partitions.Select(p => (p.PartitionIndex, p.Offset)));
        Assert.Equal([(1, 1L << 40)], back.Topics[1].Partitions.Select(p => (p.PartitionIndex, p.Offset)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DeleteRecordsResponse
        {
            ThrottleTimeMs = 2,
            Topics =
            [
                new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, LowWatermark = 100 }, new() { PartitionIndex = 2, ErrorCode = 6 }] },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(2, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([(0, 100L, (short)0), (2, -1L, (short)6)], topic.Partitions.Select(p => (p.PartitionIndex, p.LowWatermark, p.ErrorCode)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new DeleteRecordsRequest { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Offset = 5 }] }], TimeoutMs = 1000 };
        var expected = Hex(
            "00000001 0001 74" +    // topics: "t"
            "00000001 00000000 0000000000000005" + // partition 0 up to offset 5
            "000003E8");            // timeout 1000
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal(5L, Decode<DeleteRecordsRequest>(expected, 0, false).Topics[0].Partitions[0].Offset);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var request = new DeleteRecordsRequest { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Offset = 5 }] }], TimeoutMs = 1000 };
        var expected = Hex(
            "02 02 74" +            // topics: "t"
            "02 00000000 0000000000000005 00" + // partition 0 up to offset 5, tags
            "00" +                  // topic tags
            "000003E8 00");         // timeout 1000, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 2, true));
        Assert.Equal(1000, Decode<DeleteRecordsRequest>(expected, 2, true).TimeoutMs);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new DeleteRecordsResponse { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, LowWatermark = 5 }] }] };
        var v0 = Hex("00000000 00000001 0001 74 00000001 00000000 0000000000000005 0000");
        var v2 = Hex("00000000 02 02 74 02 00000000 0000000000000005 0000 00 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v2, CodecTestHelper.Encode(response, 2, true));
        Assert.Equal(5L, Decode<DeleteRecordsResponse>(v2, 2, true).Topics[0].Partitions[0].LowWatermark);
    }
}
