using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class TxnOffsetCommitCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(TxnOffsetCommitRequest.Api);
    private static bool Flexible(short version) => TxnOffsetCommitRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new TxnOffsetCommitRequest
        {
            TransactionalId = "tx-1", GroupId = "readers", ProducerId = 500, ProducerEpoch = 2,
            GenerationId = 9, MemberId = "member-1", GroupInstanceId = "host-a",
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3, CommittedMetadata = "meta" },
                        new() { PartitionIndex = 1, CommittedOffset = 7, CommittedMetadata = null },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("tx-1", "readers", 500L, (short)2), (back.TransactionalId, back.GroupId, back.ProducerId, back.ProducerEpoch));
        Assert.Equal(version >= 3 ? 9 : -1, back.GenerationId);
        Assert.Equal(version >= 3 ? "member-1" : "", back.MemberId);
        Assert.Equal(version >= 3 ? "host-a" : null, back.GroupInstanceId);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(
            [(0, 42L, version >= 2 ? 3 : -1, (string?)"meta"), (1, 7L, -1, null)],
            topic.Partitions.Select(p => (p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new TxnOffsetCommitResponse
        {
            ThrottleTimeMs = 3,
            Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 1, ErrorCode = 22 }] }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(3, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([(0, (short)0), (1, (short)22)], topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new TxnOffsetCommitRequest
        {
            TransactionalId = "tx", GroupId = "g", ProducerId = 1000, ProducerEpoch = 1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3 }] }],
        };
        var expected = Hex(
            "0002 7478 0001 67" +       // "tx", group "g"
            "00000000000003E8 0001" +   // producer 1000, epoch 1
            "00000001 0001 74" +        // topics: "t"
            "00000001 00000000 000000000000002A" + // partition 0 at offset 42 (no leader epoch before v2)
            "FFFF");                    // metadata null
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        var back = Decode<TxnOffsetCommitRequest>(expected, 0, false);
        Assert.Equal(42L, back.Topics[0].Partitions[0].CommittedOffset);
        Assert.Equal(-1, back.Topics[0].Partitions[0].CommittedLeaderEpoch);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new TxnOffsetCommitRequest
        {
            TransactionalId = "tx", GroupId = "g", ProducerId = 1000, ProducerEpoch = 1, GenerationId = 5, MemberId = "m",
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 42, CommittedLeaderEpoch = 3 }] }],
        };
        var expected = Hex(
            "03 7478 02 67" +           // "tx", group "g"
            "00000000000003E8 0001" +   // producer 1000, epoch 1
            "00000005 02 6D 00" +       // generation 5, member "m", no instance id
            "02 02 74" +                // topics: "t"
            "02 00000000 000000000000002A 00000003 00 00" + // partition 0, offset 42, leader epoch 3, null metadata, tags
            "00 00");                   // topic tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, true));
        var back = Decode<TxnOffsetCommitRequest>(expected, 3, true);
        Assert.Equal((5, "m", (string?)null), (back.GenerationId, back.MemberId, back.GroupInstanceId));
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new TxnOffsetCommitResponse { Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, ErrorCode = 22 }] }] };
        var v0 = Hex("00000000 00000001 0001 74 00000001 00000000 0016");
        var v3 = Hex("00000000 02 02 74 02 00000000 0016 00 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v3, CodecTestHelper.Encode(response, 3, true));
        Assert.Equal((short)22, Decode<TxnOffsetCommitResponse>(v3, 3, true).Topics[0].Partitions[0].ErrorCode);
    }
}
