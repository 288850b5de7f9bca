using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class OffsetFetchCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(OffsetFetchRequest.Api);
    private static bool Flexible(short version) => OffsetFetchRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var first = new OffsetFetchRequest.OffsetFetchRequestGroup
        {
            GroupId = "group-a",
            MemberId = "m1",
            MemberEpoch = 5,
            Topics = [new() { Name = "orders", PartitionIndexes = [0, 1] }],
        };
        var all = new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = "group-b", Topics = null };
        var request = new OffsetFetchRequest { Groups = version >= 8 ? [first, all] : [first], RequireStable = true };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(version >= 7, back.RequireStable);
        Assert.Equal(version >= 8 ? 2 : 1, back.Groups.Count);
        var g = back.Groups[0];
        Assert.Equal("group-a", g.GroupId);
        Assert.Equal(version >= 9 ? "m1" : null, g.MemberId);
        Assert.Equal(version >= 9 ? 5 : -1, g.MemberEpoch);
        var topic = Assert.Single(g.Topics!);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([0, 1], topic.PartitionIndexes);
        if (version >= 8) Assert.Null(back.Groups[1].Topics);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var first = new OffsetFetchResponse.OffsetFetchResponseGroup
        {
            GroupId = "group-a",
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3, Metadata = "md" },
                        new() { PartitionIndex = 1, CommittedOffset = -1, ErrorCode = 88 },
                    ],
                },
            ],
        };
        var missing = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = "group-b", ErrorCode = 69 };
        var response = new OffsetFetchResponse { ThrottleTimeMs = 8, Groups = version >= 8 ? [first, missing] : [first] };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 3 ? 8 : 0, back.ThrottleTimeMs);
        Assert.Equal(version >= 8 ? 2 : 1, back.Groups.Count);
        var g = back.Groups[0];
        Assert.Equal(version >= 8 ? "group-a" : "", g.GroupId); // v0-7 do not echo the group
        Assert.Equal(0, g.ErrorCode);
        var topic = Assert.Single(g.Topics);
        Assert.Equal("orders", topic.Name);
        var p = topic.Partitions[0];
        Assert.Equal((0, 42L, "md", (short)0), (p.PartitionIndex, p.CommittedOffset, p.Metadata, p.ErrorCode));
        Assert.Equal(version >= 5 ? 3 : -1, p.CommittedLeaderEpoch);
        var q = topic.Partitions[1];
        Assert.Equal((1, -1L, (string?)null, (short)88), (q.PartitionIndex, q.CommittedOffset, q.Metadata, q.ErrorCode));
        if (version >= 8) Assert.Equal(("group-b", (short)69), (back.Groups[1].GroupId, back.Groups[1].ErrorCode));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    public void NullTopicsMeansAllTopicsFromV2(short version)
    {
        var request = new OffsetFetchRequest { Groups = [new() { GroupId = "g", Topics = null }] };
        Assert.Null(CodecTestHelper.RoundTrip(request, version, Flexible(version)).Groups[0].Topics);
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(request, 1, false));
    }

    [Fact]
    public void OldVersionsRequireExactlyOneGroup()
    {
        var request = new OffsetFetchRequest { Groups = [new() { GroupId = "a" }, new() { GroupId = "b" }] };
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(request, 7, true));
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(new OffsetFetchResponse(), 7, true));
    }

    [Fact]
    public void GroupErrorMovesToPartitionsBeforeV2()
    {
        var response = new OffsetFetchResponse
        {
            Groups = [new() { ErrorCode = 14, Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = -1 }] }] }],
        };
        var expected = Hex(
            "00000001 0001 74 00000001" +
            "00000000" +            // partition 0
            "FFFFFFFFFFFFFFFF" +    // offset -1
            "FFFF" +                // metadata null
            "000E");                // the group's COORDINATOR_LOAD_IN_PROGRESS
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, false));
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var single = new OffsetFetchRequest { Groups = [new() { GroupId = "g", Topics = [new() { Name = "t", PartitionIndexes = [0] }] }] };
        var v1 = Hex(
            "0001 67" +             // group
            "00000001 0001 74" +    // 1 topic "t"
            "00000001 00000000");   // partitions [0]
        Assert.Equal(v1, CodecTestHelper.Encode(single, 1, false));
        Assert.Equal([0], Decode<OffsetFetchRequest>(v1, 1, false).Groups[0].Topics![0].PartitionIndexes);

        var all = new OffsetFetchRequest { Groups = [new() { GroupId = "g", Topics = null }], RequireStable = true };
        var v7 = Hex("02 67 00 01 00");                     // group, topics null, require stable, tags
        Assert.Equal(v7, CodecTestHelper.Encode(all, 7, true));

        var batched = new OffsetFetchRequest { Groups = [new() { GroupId = "g", MemberId = "m", MemberEpoch = 5, Topics = null }] };
        var v9 = Hex(
            "02" +                  // 1 group
            "02 67" +               // "g"
            "02 6D" +               // member id "m"
            "00000005" +            // member epoch
            "00" +                  // topics null
            "00" +                  // group tags
            "00" +                  // require stable false
            "00");
        Assert.Equal(v9, CodecTestHelper.Encode(batched, 9, true));
        Assert.Equal(5, Decode<OffsetFetchRequest>(v9, 9, true).Groups[0].MemberEpoch);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        OffsetFetchResponse Response() => new()
        {
            Groups = [new() { GroupId = "g", Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3 }] }] }],
        };
        var v2 = Hex(
            "00000001 0001 74 00000001" +
            "00000000 000000000000002A FFFF 0000" + // partition, offset, metadata null, error
            "0000");                                // top-level error (v2+)
        Assert.Equal(v2, CodecTestHelper.Encode(Response(), 2, false));
        var v6 = Hex(
            "00000000" +                            // throttle
            "02 02 74 02" +
            "00000000 000000000000002A 00000003 00 0000 00" + // ..., leader epoch, metadata null, error, tags
            "00" +                                  // topic tags
            "0000" +                                // top-level error
            "00");
        Assert.Equal(v6, CodecTestHelper.Encode(Response(), 6, true));
        var v8 = Hex(
            "00000000" +
            "02 02 67" +                            // 1 group "g"
            "02 02 74 02" +
            "00000000 000000000000002A 00000003 00 0000 00" +
            "00" +                                  // topic tags
            "0000 00" +                             // group error, group tags
            "00");
        Assert.Equal(v8, CodecTestHelper.Encode(Response(), 8, true));
        Assert.Equal(3, Decode<OffsetFetchResponse>(v8, 8, true).Groups[0].Topics[0].Partitions[0].CommittedLeaderEpoch);
    }
}
