using Brook.Protocol.Messages;

namespace Brook.Protocol.Tests.Messages;

public class ListOffsetsCodecTests
{
    private static readonly ApiDescriptor Api = ListOffsetsRequest.Api;

    public static TheoryData<short> AllVersions()
    {
        var data = new TheoryData<short>();
        for (var v = Api.MinVersion; v <= Api.MaxVersion; v++) data.Add(v);
        return data;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void RequestRoundTrips(short version)
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = 1,
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, CurrentLeaderEpoch = 4, Timestamp = ListOffsetsRequest.EarliestTimestamp, MaxNumOffsets = 5 },
                        new() { PartitionIndex = 3, Timestamp = 1_700_000_000_000 },
                    ],
                },
            ],
            TimeoutMs = 30000,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Api.IsFlexible(version));

        Assert.Equal(-1, back.ReplicaId);
        Assert.Equal(version >= 2 ? 1 : 0, back.IsolationLevel);
        Assert.Equal(version >= 10 ? 30000 : 0, back.TimeoutMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(2, topic.Partitions.Count);
        var p = topic.Partitions[0];
        Assert.Equal(0, p.PartitionIndex);
        Assert.Equal(version >= 4 ? 4 : -1, p.CurrentLeaderEpoch);
        Assert.Equal(-2, p.Timestamp);
        Assert.Equal(version == 0 ? 5 : 1, p.MaxNumOffsets);
        Assert.Equal(3, topic.Partitions[1].PartitionIndex);
        Assert.Equal(1_700_000_000_000, topic.Partitions[1].Timestamp);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new ListOffsetsResponse
        {
            ThrottleTimeMs = 20,
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, ErrorCode = 0, OldStyleOffsets = [42, 0], Timestamp = 1000, Offset = 42, LeaderEpoch = 7 },
                        new() { PartitionIndex = 1, ErrorCode = 3 },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Api.IsFlexible(version));

        Assert.Equal(version >= 2 ? 20 : 0, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        var p = topic.Partitions[0];
        Assert.Equal(0, p.PartitionIndex);
        Assert.Equal(version == 0 ? new List<long> { 42, 0 } : new List<long>(), p.OldStyleOffsets);
        Assert.Equal(version >= 1 ? 1000 : -1, p.Timestamp);
        Assert.Equal(version >= 1 ? 42 : -1, p.Offset);
        Assert.Equal(version >= 4 ? 7 : -1, p.LeaderEpoch);
        var failed = topic.Partitions[1];
        Assert.Equal(1, failed.PartitionIndex);
        Assert.Equal(3, failed.ErrorCode);
        Assert.Equal(-1, failed.Offset);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Timestamp = -1, MaxNumOffsets = 1 }] }],
        };
        var expected = Hex(
            "FFFFFFFF" +            // replica id
            "00000001" +            // 1 topic
            "0001 74" +             // "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition 0
            "FFFFFFFFFFFFFFFF" +    // timestamp -1 (latest)
            "00000001");            // max num offsets (v0 only)
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, flexible: false));
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new ListOffsetsResponse
        {
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, OldStyleOffsets = [5] }] }],
        };
        var expected = Hex(
            "00000001" +            // 1 topic (no throttle time before v2)
            "0001 74" +             // "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition 0
            "0000" +                // error code
            "00000001" +            // offsets array of 1
            "0000000000000005");    // offset 5
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, flexible: false));
    }

    [Fact]
    public void RequestV10GoldenBytes()
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = 1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CurrentLeaderEpoch = 3, Timestamp = -2 }] }],
            TimeoutMs = 30000,
        };
        var expected = Hex(
            "FFFFFFFF" +            // replica id
            "01" +                  // isolation level
            "02" +                  // compact array: 1 topic
            "02 74" +               // compact "t"
            "02" +                  // 1 partition
            "00000000" +            // partition 0
            "00000003" +            // current leader epoch
            "FFFFFFFFFFFFFFFE" +    // timestamp -2 (earliest)
            "00" +                  // partition tags
            "00" +                  // topic tags
            "00007530" +            // timeout 30000 (v10)
            "00");                  // request tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 10, flexible: true));
    }

    [Fact]
    public void ResponseV6GoldenBytes()
    {
        var response = new ListOffsetsResponse
        {
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Timestamp = -1, Offset = 42, LeaderEpoch = 3 }] }],
        };
        var expected = Hex(
            "00000000" +            // throttle time
            "02" +                  // 1 topic
            "02 74" +               // "t"
            "02" +                  // 1 partition
            "00000000" +            // partition 0
            "0000" +                // error code
            "FFFFFFFFFFFFFFFF" +    // timestamp -1
            "000000000000002A" +    // offset 42
            "00000003" +            // leader epoch
            "00" + "00" + "00");    // partition, topic, response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 6, flexible: true));
    }
}
