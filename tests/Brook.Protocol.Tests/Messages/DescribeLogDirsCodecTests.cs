using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeLogDirsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeLogDirsRequest.Api);
    private static bool Flexible(short version) => DescribeLogDirsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DescribeLogDirsRequest { Topics = [new() { Topic = "orders", Partitions = [0, 1, 2] }, new() { Topic = "events", Partitions = [] }] };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.NotNull(back.Topics);
        Assert.Equal(["orders", "events"], back.Topics.Select(t => t.Topic));
        Assert.Equal([0, 1, 2], back.Topics[0].Partitions);
        Assert.Empty(back.Topics[1].Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void AllTopicsRequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new DescribeLogDirsRequest { Topics = null }, version, Flexible(version));
        Assert.Null(back.Topics);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeLogDirsResponse
        {
            ThrottleTimeMs = 1,
            ErrorCode = 31,
            Results =
            [
                new()
                {
                    LogDir = "/var/brook/data",
                    Topics =
                    [
                        new()
                        {
                            Name = "orders",
                            Partitions =
                            [
                                new() { PartitionIndex = 0, PartitionSize = 4096, OffsetLag = 0 },
                                new() { PartitionIndex = 1, PartitionSize = 10, OffsetLag = 3, IsFutureKey = true },
                            ],
                        },
                    ],
                    TotalBytes = 1L << 40,
                    UsableBytes = 1L << 39,
                },
                new() { ErrorCode = 56, LogDir = "/broken" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(1, back.ThrottleTimeMs);
        Assert.Equal(version >= 3 ? (short)31 : (short)0, back.ErrorCode);
        Assert.Equal(2, back.Results.Count);
        var data = back.Results[0];
        Assert.Equal(((short)0, "/var/brook/data"), (data.ErrorCode, data.LogDir));
        Assert.Equal(version >= 4 ? 1L << 40 : -1L, data.TotalBytes);
        Assert.Equal(version >= 4 ? 1L << 39 : -1L, data.UsableBytes);
        var topic = Assert.Single(data.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(
            [(0, 4096L, 0L, false), (1, 10L, 3L, true)],
            topic.Partitions.Select(p => (p.PartitionIndex, p.PartitionSize, p.OffsetLag, p.IsFutureKey)));
        Assert.Equal(((short)56, "/broken"), (back.Results[1].ErrorCode, back.Results[1].LogDir));
        Assert.Empty(back.Results[1].Topics);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new DescribeLogDirsRequest { Topics = [new() { Topic = "t", Partitions = [0, 1] }] };
        var expected = Hex("00000001 0001 74 00000002 00000000 00000001"); // topics: "t" [0, 1]
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, false));
        Assert.Equal(Hex("FFFFFFFF"), CodecTestHelper.Encode(new DescribeLogDirsRequest(), 0, false)); // null: all topics
        Assert.Equal([0, 1], Decode<DescribeLogDirsRequest>(expected, 1, false).Topics![0].Partitions);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new DescribeLogDirsRequest { Topics = [new() { Topic = "t", Partitions = [0] }] };
        var expected = Hex("02 02 74 02 00000000 00 00"); // topics: "t" [0], topic tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, true));
        Assert.Equal(Hex("00 00"), CodecTestHelper.Encode(new DescribeLogDirsRequest(), 4, true)); // null: all topics
        Assert.Equal("t", Decode<DescribeLogDirsRequest>(expected, 4, true).Topics![0].Topic);
    }

    [Fact]
    public void ResponseV0AndV4GoldenBytes()
    {
        var response = new DescribeLogDirsResponse
        {
            Results =
            [
                new()
                {
                    LogDir = "/d",
                    Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, PartitionSize = 100 }] }],
                    TotalBytes = 1000,
                    UsableBytes = 500,
                },
            ],
        };
        var v0 = Hex(
            "00000000" +            // throttle
            "00000001 0000 0002 2F64" + // results: no error, "/d"
            "00000001 0001 74" +    // topics: "t"
            "00000001 00000000 0000000000000064 0000000000000000 00"); // partition 0, 100 bytes, lag 0, not future
        var v4 = Hex(
            "00000000 0000" +       // throttle, top-level error
            "02 0000 03 2F64" +     // results: no error, "/d"
            "02 02 74" +            // topics: "t"
            "02 00000000 0000000000000064 0000000000000000 00 00" + // partition 0, 100 bytes, lag 0, not future, tags
            "00" +                  // topic tags
            "00000000000003E8 00000000000001F4" + // total 1000, usable 500
            "00 00");               // result tags, tags
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v4, CodecTestHelper.Encode(response, 4, true));
        var back = Decode<DescribeLogDirsResponse>(v4, 4, true);
        Assert.Equal(500L, back.Results[0].UsableBytes);
        Assert.Equal(100L, back.Results[0].Topics[0].Partitions[0].PartitionSize);
    }
}
