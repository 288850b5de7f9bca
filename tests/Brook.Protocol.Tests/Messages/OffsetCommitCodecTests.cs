using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class OffsetCommitCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(OffsetCommitRequest.Api);
    private static bool Flexible(short version) => OffsetCommitRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new OffsetCommitRequest
        {
            GroupId = "group",
            GenerationIdOrMemberEpoch = 4,
            MemberId = "m1",
            GroupInstanceId = "i1",
            RetentionTimeMs = 60000,
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3, CommitTimestamp = 1000, CommittedMetadata = "md" },
                        new() { PartitionIndex = 1, CommittedOffset = 7 },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal("group", back.GroupId);
        Assert.Equal(version >= 1 ? 4 : -1, back.GenerationIdOrMemberEpoch);
        Assert.Equal(version >= 1 ? "m1" : "", back.MemberId);
        Assert.Equal(version >= 7 ? "i1" : null, back.GroupInstanceId);
        Assert.Equal(version is >= 2 and <= 4 ? 60000 : -1, back.RetentionTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        var p = topic.Partitions[0];
        Assert.Equal((0, 42L, "md"), (p.PartitionIndex, p.CommittedOffset, p.CommittedMetadata));
        Assert.Equal(version >= 6 ? 3 : -1, p.CommittedLeaderEpoch);
        Assert.Equal(version == 1 ? 1000 : -1, p.CommitTimestamp);
        var q = topic.Partitions[1];
        Assert.Equal((1, 7L, (string?)null), (q.PartitionIndex, q.CommittedOffset, q.CommittedMetadata));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new OffsetCommitResponse
        {
            ThrottleTimeMs = 6,
            Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 1, ErrorCode = 22 }] }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 3 ? 6 : 0, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(new[] { (0, (short)0), (1, (short)22) }, topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));
    }

    private static OffsetCommitRequest SmallRequest() => new()
    {
        GroupId = "g",
        GenerationIdOrMemberEpoch = 4,
        MemberId = "m",
        Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 42 }] }],
    };

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var expected = Hex(
            "0001 67" +             // group
            "00000004" +            // generation
            "0001 6D" +             // member id
            "FFFFFFFFFFFFFFFF" +    // retention -1 (v2-4)
            "00000001 0001 74" +    // 1 topic "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition 0
            "000000000000002A" +    // offset 42
            "FFFF");                // metadata null
        Assert.Equal(expected, CodecTestHelper.Encode(SmallRequest(), 2, false));
        var back = Decode<OffsetCommitRequest>(expected, 2, false);
        Assert.Equal(-1, back.RetentionTimeMs);
        Assert.Equal(42, back.Topics[0].Partitions[0].CommittedOffset);
    }

    [Fact]
    public void RequestV9GoldenBytes()
    {
        var expected = Hex(
            "02 67 00000004 02 6D" +
            "00" +                  // group instance id null
            "02 02 74" +            // 1 topic "t"
            "02" +                  // 1 partition
            "00000000" +
            "000000000000002A" +
            "FFFFFFFF" +            // committed leader epoch -1
            "00" +                  // metadata null
            "00 00 00");            // partition, topic, request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SmallRequest(), 9, true));
        Assert.Equal(4, Decode<OffsetCommitRequest>(expected, 9, true).GenerationIdOrMemberEpoch);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new OffsetCommitResponse { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, ErrorCode = 22 }] }] };
        var v0 = Hex("00000001 0001 74 00000001 00000000 0016");        // no throttle before v3
        var v8 = Hex("00000000 02 02 74 02 00000000 0016 00 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v8, CodecTestHelper.Encode(response, 8, true));
        Assert.Equal(22, Decode<OffsetCommitResponse>(v8, 8, true).Topics[0].Partitions[0].ErrorCode);
    }
}
