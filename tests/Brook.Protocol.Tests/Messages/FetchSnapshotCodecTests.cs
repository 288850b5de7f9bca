using Brook.Common;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class FetchSnapshotCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(FetchSnapshotRequest.Api);

    private static byte[] Bytes(RecordSet records) => ((MemoryRecordSet)records).Data.ToArray();

    [Fact]
    public void EveryVersionIsFlexible()
    {
        Assert.True(FetchSnapshotRequest.Api.IsFlexible(0));
        Assert.Equal((short)1, FetchSnapshotRequest.Api.MaxVersion);
    }

    private static FetchSnapshotRequest SampleRequest() => new()
    {
        ClusterId = "c",
        ReplicaId = 2,
        MaxBytes = 0x100000,
        Topics =
        [
            new()
            {
                Name = "t",
                Partitions = [new() { Partition = 0, CurrentLeaderEpoch = 5, SnapshotId = new() { EndOffset = 100, Epoch = 4 }, ReplicaDirectoryId = SampleId }],
            },
        ],
    };

    private static FetchSnapshotResponse SampleResponse() => new()
    {
        Topics =
        [
            new()
            {
                Name = "t",
                Partitions =
                [
                    new()
                    {
                        Index = 0, SnapshotId = new() { EndOffset = 100, Epoch = 4 }, CurrentLeader = new() { LeaderId = 1, LeaderEpoch = 5 },
                        Size = 1000, Position = 0, UnalignedRecords = new MemoryRecordSet(new byte[] { 0xAB, 0xCD }),
                    },
                ],
            },
        ],
        NodeEndpoints = [new() { NodeId = 1, Host = "h", Port = 9093 }],
    };

    [Fact]
    public void Defaults()
    {
        var request = new FetchSnapshotRequest();
        Assert.Equal((-1, int.MaxValue), (request.ReplicaId, request.MaxBytes));
        Assert.Null(request.ClusterId);
        Assert.Equal(0, new FetchSnapshotResponse.PartitionSnapshot().UnalignedRecords.SizeInBytes);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(), version, true);

        Assert.Equal("c", back.ClusterId);
        Assert.Equal((2, 0x100000), (back.ReplicaId, back.MaxBytes));
        var topic = Assert.Single(back.Topics);
        Assert.Equal("t", topic.Name);
        var p = Assert.Single(topic.Partitions);
        Assert.Equal((0, 5, 0L), (p.Partition, p.CurrentLeaderEpoch, p.Position));
        Assert.Equal(new SnapshotId { EndOffset = 100, Epoch = 4 }, p.SnapshotId);
        Assert.Equal(version >= 1 ? SampleId : Uuid.Zero, p.ReplicaDirectoryId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ThrottleTimeMs = 3;
        response.Topics[0].Partitions.Add(new() { Index = 1, ErrorCode = 74, CurrentLeader = new() { LeaderId = -1, LeaderEpoch = -1 } });

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(3, back.ThrottleTimeMs);
        var partitions = Assert.Single(back.Topics).Partitions;
        var p = partitions[0];
        Assert.Equal((0, (short)0, 1000L, 0L), (p.Index, p.ErrorCode, p.Size, p.Position));
        Assert.Equal(new SnapshotId { EndOffset = 100, Epoch = 4 }, p.SnapshotId);
        Assert.Equal(new LeaderIdAndEpoch { LeaderId = 1, LeaderEpoch = 5 }, p.CurrentLeader);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, Bytes(p.UnalignedRecords));
        var fenced = partitions[1];
        Assert.Equal((short)74, fenced.ErrorCode);
        Assert.Equal(new LeaderIdAndEpoch { LeaderId = -1, LeaderEpoch = -1 }, fenced.CurrentLeader); // -1s are not the default here
        Assert.Equal(0, fenced.UnalignedRecords.SizeInBytes);
        Assert.Equal(version >= 1 ? response.NodeEndpoints : new List<RaftNodeEndpoint>(), back.NodeEndpoints);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "00000002" +            // replica id 2
            "00100000" +            // max bytes
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000" +            // partition 0
            "00000005" +            // current leader epoch
            "0000000000000064 00000004 00" + // snapshot id: end offset 100, epoch 4, tags
            "0000000000000000" +    // position 0
            "00" +                  // partition tags: no directory id before v1
            "00" +                  // topic tags
            "01 00 02 02 63");      // 1 tag: tag 0 cluster id, 2 bytes, compact "c"
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, true));
        var back = Decode<FetchSnapshotRequest>(expected, 0, true);
        Assert.Equal("c", back.ClusterId);
        Assert.Equal(Uuid.Zero, back.Topics[0].Partitions[0].ReplicaDirectoryId);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "00000002 00100000 02 02 74 02 00000000 00000005 0000000000000064 00000004 00 0000000000000000" +
            "01 00 10" + SampleIdHex + // partition tags: tag 0 directory id, 16 bytes
            "00" +                  // topic tags
            "01 00 02 02 63");      // tag 0 cluster id
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 1, true));
        Assert.Equal(SampleId, Decode<FetchSnapshotRequest>(expected, 1, true).Topics[0].Partitions[0].ReplicaDirectoryId);

        var anonymous = new FetchSnapshotRequest { Topics = [] };
        Assert.Equal(Hex("FFFFFFFF 7FFFFFFF 01 00"), CodecTestHelper.Encode(anonymous, 1, true)); // no tags for null/zero
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "00000000 0000" +       // throttle time, error code
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 0000" +       // index 0, error 0
            "0000000000000064 00000004 00" + // snapshot id, tags
            "00000000000003E8" +    // size 1000
            "0000000000000000" +    // position 0
            "03 ABCD" +             // unaligned records: 2 bytes
            "01 00 09 00000001 00000005 00" + // tag 0 current leader, 9 bytes: leader 1, epoch 5, tags
            "00" +                  // topic tags
            "00");                  // no tags: node endpoints are v1+
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, true));
        var back = Decode<FetchSnapshotResponse>(expected, 0, true);
        Assert.Equal(5, back.Topics[0].Partitions[0].CurrentLeader!.LeaderEpoch);
        Assert.Empty(back.NodeEndpoints);
    }

    [Fact]
    public void ResponseV1GoldenBytes()
    {
        var expected = Hex(
            "00000000 0000 02 02 74 02 00000000 0000 0000000000000064 00000004 00 00000000000003E8 0000000000000000 03 ABCD" +
            "01 00 09 00000001 00000005 00 00" + // current leader tag, topic tags
            "01 00 0A 02 00000001 02 68 2385 00"); // tag 0 node endpoints: node 1 at "h":9093
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 1, true));
        Assert.Equal(1, Assert.Single(Decode<FetchSnapshotResponse>(expected, 1, true).NodeEndpoints).NodeId);
    }

    [Fact]
    public void CurrentLeaderIsOmittedOnlyWhenNullOrZero()
    {
        var partition = new FetchSnapshotResponse.PartitionSnapshot();
        var fixedPart = "00000000 0000 FFFFFFFFFFFFFFFF FFFFFFFF 00 0000000000000000 0000000000000000 01";
        Assert.Equal(Hex(fixedPart + "00"), CodecTestHelper.Encode(partition, 1, true));
        partition.CurrentLeader = new() { LeaderId = 0, LeaderEpoch = 0 };
        Assert.Equal(Hex(fixedPart + "00"), CodecTestHelper.Encode(partition, 1, true));
        partition.CurrentLeader = new() { LeaderId = -1, LeaderEpoch = -1 };
        Assert.Equal(Hex(fixedPart + "01 00 09 FFFFFFFF FFFFFFFF 00"), CodecTestHelper.Encode(partition, 1, true));
    }
}
