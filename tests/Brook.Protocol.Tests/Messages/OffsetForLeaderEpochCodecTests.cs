using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class OffsetForLeaderEpochCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(OffsetForLeaderEpochRequest.Api);
    private static bool Flexible(short version) => OffsetForLeaderEpochRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new OffsetForLeaderEpochRequest
        {
            ReplicaId = 1,
            Topics = [new() { Topic = "orders", Partitions = [new() { Partition = 2, CurrentLeaderEpoch = 5, LeaderEpoch = 4 }, new() { Partition = 3, LeaderEpoch = 1 }] }],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(version >= 3 ? 1 : OffsetForLeaderEpochRequest.DebugReplicaId, back.ReplicaId);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Topic);
        Assert.Equal(2, topic.Partitions.Count);
        var p = topic.Partitions[0];
        Assert.Equal((2, version >= 2 ? 5 : -1, 4), (p.Partition, p.CurrentLeaderEpoch, p.LeaderEpoch));
        Assert.Equal((3, -1, 1), (topic.Partitions[1].Partition, topic.Partitions[1].CurrentLeaderEpoch, topic.Partitions[1].LeaderEpoch));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new OffsetForLeaderEpochResponse
        {
            ThrottleTimeMs = 7,
            Topics =
            [
                new()
                {
                    Topic = "orders",
                    Partitions =
                    [
                        new() { Partition = 2, LeaderEpoch = 4, EndOffset = 100 },
                        new() { Partition = 3, ErrorCode = 74, EndOffset = -1 },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 2 ? 7 : 0, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Topic);
        var ok = topic.Partitions[0];
        Assert.Equal(((short)0, 2, version >= 1 ? 4 : -1, 100L), (ok.ErrorCode, ok.Partition, ok.LeaderEpoch, ok.EndOffset));
        var failed = topic.Partitions[1];
        Assert.Equal(((short)74, 3, -1, -1L), (failed.ErrorCode, failed.Partition, failed.LeaderEpoch, failed.EndOffset));
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var request = new OffsetForLeaderEpochRequest
        {
            Topics = [new() { Topic = "t", Partitions = [new() { Partition = 0, CurrentLeaderEpoch = 5, LeaderEpoch = 4 }] }],
        };
        var expected = Hex(
            "00000001" +            // 1 topic (no replica id before v3)
            "0001 74" +             // "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition 0
            "00000005" +            // current leader epoch
            "00000004");            // leader epoch
        Assert.Equal(expected, CodecTestHelper.Encode(request, 2, false));
        var back = Decode<OffsetForLeaderEpochRequest>(expected, 2, false);
        Assert.Equal(OffsetForLeaderEpochRequest.DebugReplicaId, back.ReplicaId);
        Assert.Equal(5, back.Topics[0].Partitions[0].CurrentLeaderEpoch);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new OffsetForLeaderEpochRequest
        {
            ReplicaId = OffsetForLeaderEpochRequest.ConsumerReplicaId,
            Topics = [new() { Topic = "t", Partitions = [new() { Partition = 0, CurrentLeaderEpoch = 5, LeaderEpoch = 4 }] }],
        };
        var expected = Hex(
            "FFFFFFFF" +            // replica id -1 (consumer)
            "02" +                  // compact array: 1 topic
            "02 74" +               // "t"
            "02" +                  // 1 partition
            "00000000 00000005 00000004" +
            "00 00 00");            // partition, topic, request tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, true));
        Assert.Equal(-1, Decode<OffsetForLeaderEpochRequest>(expected, 4, true).ReplicaId);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new OffsetForLeaderEpochResponse
        {
            Topics = [new() { Topic = "t", Partitions = [new() { Partition = 0, LeaderEpoch = 4, EndOffset = 100 }] }],
        };
        var expected = Hex(
            "00000001" +            // 1 topic (no throttle before v2)
            "0001 74" +
            "00000001" +
            "0000" +                // error
            "00000000" +            // partition 0 (no leader epoch before v1)
            "0000000000000064");    // end offset 100
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(100, Decode<OffsetForLeaderEpochResponse>(expected, 0, false).Topics[0].Partitions[0].EndOffset);
    }

    [Fact]
    public void ResponseV4GoldenBytes()
    {
        var response = new OffsetForLeaderEpochResponse
        {
            Topics = [new() { Topic = "t", Partitions = [new() { Partition = 0, LeaderEpoch = 4, EndOffset = 100 }] }],
        };
        var expected = Hex(
            "00000000" +            // throttle
            "02 02 74 02" +         // 1 topic "t", 1 partition
            "0000 00000000 00000004 0000000000000064" +
            "00 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(4, Decode<OffsetForLeaderEpochResponse>(expected, 4, true).Topics[0].Partitions[0].LeaderEpoch);
    }
}
