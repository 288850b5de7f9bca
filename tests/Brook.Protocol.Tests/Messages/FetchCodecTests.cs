using Brook.Common;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Messages;

public class FetchCodecTests
{
    private static readonly ApiDescriptor Api = FetchRequest.Api;
    private static readonly Uuid TopicId = new(0x0102030405060708, 0x090A0B0C0D0E0F10);
    private static readonly Uuid DirectoryId = new(0x1111111111111111, 0x2222222222222222);
    private const string TopicIdHex = "0102030405060708090A0B0C0D0E0F10";

    public static TheoryData<short> AllVersions()
    {
        var data = new TheoryData<short>();
        for (var v = Api.MinVersion; v <= Api.MaxVersion; v++) data.Add(v);
        return data;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Bytes(RecordSet? records) => ((MemoryRecordSet)records!).Data.ToArray();

    private static FetchRequest PopulatedRequest() => new()
    {
        ClusterId = "cluster-A",
        ReplicaId = 3,
        ReplicaEpoch = 77,
        MaxWaitMs = 500,
        MinBytes = 1,
        MaxBytes = 52428800,
        IsolationLevel = 1,
        SessionId = 12,
        SessionEpoch = 4,
        Topics =
        [
            new()
            {
                Topic = "orders",
                TopicId = TopicId,
                Partitions =
                [
                    new()
                    {
                        Partition = 1,
                        CurrentLeaderEpoch = 5,
                        FetchOffset = 42,
                        LastFetchedEpoch = 4,
                        LogStartOffset = 10,
                        PartitionMaxBytes = 1048576,
                        ReplicaDirectoryId = DirectoryId,
                        HighWatermark = 40,
                    },
                ],
            },
        ],
        ForgottenTopicsData = [new() { Topic = "old", TopicId = DirectoryId, Partitions = [0, 2] }],
        RackId = "rack-1",
    };

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(PopulatedRequest(), version, Api.IsFlexible(version));

        Assert.Equal(version >= 12 ? "cluster-A" : null, back.ClusterId);
        Assert.Equal(3, back.ReplicaId); // body field up to v14, tagged ReplicaState from v15
        Assert.Equal(version >= 15 ? 77 : -1, back.ReplicaEpoch);
        Assert.Equal(500, back.MaxWaitMs);
        Assert.Equal(1, back.MinBytes);
        Assert.Equal(52428800, back.MaxBytes);
        Assert.Equal(1, back.IsolationLevel);
        Assert.Equal(version >= 7 ? 12 : 0, back.SessionId);
        Assert.Equal(version >= 7 ? 4 : -1, back.SessionEpoch);
        var topic = Assert.Single(back.Topics);
        Assert.Equal(version <= 12 ? "orders" : "", topic.Topic);
        Assert.Equal(version >= 13 ? TopicId : Uuid.Zero, topic.TopicId);
        var p = Assert.Single(topic.Partitions);
        Assert.Equal(1, p.Partition);
        Assert.Equal(version >= 9 ? 5 : -1, p.CurrentLeaderEpoch);
        Assert.Equal(42, p.FetchOffset);
        Assert.Equal(version >= 12 ? 4 : -1, p.LastFetchedEpoch);
        Assert.Equal(version >= 5 ? 10 : -1, p.LogStartOffset);
        Assert.Equal(1048576, p.PartitionMaxBytes);
        Assert.Equal(version >= 17 ? DirectoryId : Uuid.Zero, p.ReplicaDirectoryId);
        Assert.Equal(version >= 18 ? 40 : FetchRequest.FetchPartition.HighWatermarkNotSupported, p.HighWatermark);
        if (version >= 7)
        {
            var forgotten = Assert.Single(back.ForgottenTopicsData);
            Assert.Equal(version <= 12 ? "old" : "", forgotten.Topic);
            Assert.Equal(version >= 13 ? DirectoryId : Uuid.Zero, forgotten.TopicId);
            Assert.Equal(new List<int> { 0, 2 }, forgotten.Partitions);
        }
        else
        {
            Assert.Empty(back.ForgottenTopicsData);
        }
        Assert.Equal(version >= 11 ? "rack-1" : "", back.RackId);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new FetchResponse
        {
            ThrottleTimeMs = 10,
            ErrorCode = 0,
            SessionId = 99,
            Responses =
            [
                new()
                {
                    Topic = "orders",
                    TopicId = TopicId,
                    Partitions =
                    [
                        new()
                        {
                            PartitionIndex = 0,
                            ErrorCode = 0,
                            HighWatermark = 100,
                            LastStableOffset = 90,
                            LogStartOffset = 5,
                            DivergingEpoch = new() { Epoch = 3, EndOffset = 80 },
                            CurrentLeader = new() { LeaderId = 1, LeaderEpoch = 6 },
                            SnapshotId = new() { EndOffset = 70, Epoch = 2 },
                            AbortedTransactions = [new() { ProducerId = 1000, FirstOffset = 50 }],
                            PreferredReadReplica = 2,
                            Records = new MemoryRecordSet(new byte[] { 9, 8, 7, 6 }),
                        },
                        new() { PartitionIndex = 1, ErrorCode = 1, HighWatermark = -1, AbortedTransactions = null, Records = null },
                    ],
                },
            ],
            NodeEndpoints = [new() { NodeId = 1, Host = "broker-1", Port = 9092, Rack = null }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Api.IsFlexible(version));

        Assert.Equal(10, back.ThrottleTimeMs);
        Assert.Equal(version >= 7 ? 99 : 0, back.SessionId);
        var topic = Assert.Single(back.Responses);
        Assert.Equal(version <= 12 ? "orders" : "", topic.Topic);
        Assert.Equal(version >= 13 ? TopicId : Uuid.Zero, topic.TopicId);
        Assert.Equal(2, topic.Partitions.Count);
        var p = topic.Partitions[0];
        Assert.Equal(100, p.HighWatermark);
        Assert.Equal(90, p.LastStableOffset);
        Assert.Equal(version >= 5 ? 5 : -1, p.LogStartOffset);
        Assert.Equal(new List<FetchResponse.AbortedTransaction> { new() { ProducerId = 1000, FirstOffset = 50 } }, p.AbortedTransactions);
        Assert.Equal(version >= 11 ? 2 : -1, p.PreferredReadReplica);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, Bytes(p.Records));
        if (version >= 12)
        {
            Assert.Equal(new FetchResponse.EpochEndOffset { Epoch = 3, EndOffset = 80 }, p.DivergingEpoch);
            Assert.Equal(new LeaderIdAndEpoch { LeaderId = 1, LeaderEpoch = 6 }, p.CurrentLeader);
            Assert.Equal(new SnapshotId { EndOffset = 70, Epoch = 2 }, p.SnapshotId);
        }
        else
        {
            Assert.Null(p.DivergingEpoch);
            Assert.Null(p.CurrentLeader);
            Assert.Null(p.SnapshotId);
        }
        var empty = topic.Partitions[1];
        Assert.Equal(1, empty.PartitionIndex);
        Assert.Equal(1, empty.ErrorCode);
        Assert.Equal(-1, empty.HighWatermark);
        Assert.Null(empty.AbortedTransactions);
        Assert.Null(empty.Records);
        Assert.Equal(version >= 16 ? response.NodeEndpoints : new List<NodeEndpoint>(), back.NodeEndpoints);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = 500,
            MinBytes = 1,
            MaxBytes = 0x100000,
            IsolationLevel = 1,
            Topics = [new() { Topic = "t", Partitions = [new() { Partition = 0, FetchOffset = 42, PartitionMaxBytes = 65536 }] }],
        };
        var expected = Hex(
            "FFFFFFFF" +            // replica id -1
            "000001F4" +            // max wait 500
            "00000001" +            // min bytes 1
            "00100000" +            // max bytes (v3+)
            "01" +                  // isolation level (v4+)
            "00000001" +            // 1 topic
            "0001 74" +             // "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition 0
            "000000000000002A" +    // fetch offset 42
            "00010000");            // partition max bytes
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, flexible: false));
    }

    [Fact]
    public void RequestV15GoldenBytesCarryClusterIdAndReplicaStateAsTags()
    {
        var request = new FetchRequest
        {
            ClusterId = "ab",
            ReplicaId = 3,
            ReplicaEpoch = 9,
            MaxWaitMs = 500,
            MinBytes = 1,
            MaxBytes = 0x100000,
            Topics =
            [
                new()
                {
                    TopicId = TopicId,
                    Partitions = [new() { Partition = 1, CurrentLeaderEpoch = 5, FetchOffset = 42, LastFetchedEpoch = 4, PartitionMaxBytes = 65536 }],
                },
            ],
        };
        var expected = Hex(
            // no replica id in the body from v15
            "000001F4 00000001 00100000" +  // max wait, min bytes, max bytes
            "00" +                          // isolation level
            "00000000" +                    // session id 0
            "FFFFFFFF" +                    // session epoch -1
            "02" + TopicIdHex +             // 1 topic, by id
            "02" +                          // 1 partition
            "00000001" +                    // partition 1
            "00000005" +                    // current leader epoch
            "000000000000002A" +            // fetch offset
            "00000004" +                    // last fetched epoch
            "FFFFFFFFFFFFFFFF" +            // log start offset -1
            "00010000" +                    // partition max bytes
            "00" + "00" +                   // partition tags, topic tags
            "01" +                          // forgotten topics: empty
            "01" +                          // rack id ""
            "02" +                          // 2 tags
            "00 03 03 6162" +               // tag 0 cluster id, size 3, compact "ab"
            "01 0D 00000003 0000000000000009 00"); // tag 1 replica state, size 13: id 3, epoch 9, struct tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 15, flexible: true));
    }

    [Fact]
    public void RequestV18PartitionTagsAreWrittenInTagOrderOnlyWhenNotDefault()
    {
        var partition = new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 };
        var fixedPart = "00000000 FFFFFFFF 0000000000000000 FFFFFFFF FFFFFFFFFFFFFFFF 00000001";
        Assert.Equal(Hex(fixedPart + "00"), CodecTestHelper.Encode(partition, 18, flexible: true));

        partition.ReplicaDirectoryId = DirectoryId;
        partition.HighWatermark = 1234;
        Assert.Equal(
            Hex(fixedPart + "02" + "00 10 11111111111111112222222222222222" + "01 08 00000000000004D2"),
            CodecTestHelper.Encode(partition, 18, flexible: true));
        // v17 knows only the directory id
        Assert.Equal(
            Hex(fixedPart + "01" + "00 10 11111111111111112222222222222222"),
            CodecTestHelper.Encode(partition, 17, flexible: true));
    }

    [Fact]
    public void ConsumerRequestV15WritesNoReplicaState()
    {
        var request = new FetchRequest { Topics = [] };
        var bytes = CodecTestHelper.Encode(request, 15, flexible: true);
        Assert.Equal(0, bytes[^1]); // empty top-level tag section: ReplicaId/ReplicaEpoch are -1 and ClusterId is null
    }

    [Fact]
    public void ResponseV4GoldenBytes()
    {
        var response = new FetchResponse
        {
            Responses =
            [
                new()
                {
                    Topic = "t",
                    Partitions =
                    [
                        new()
                        {
                            HighWatermark = 10,
                            LastStableOffset = 10,
                            AbortedTransactions = [new() { ProducerId = 5, FirstOffset = 3 }],
                            Records = null,
                        },
                    ],
                },
            ],
        };
        var expected = Hex(
            "00000000" +            // throttle time
            "00000001" +            // 1 topic
            "0001 74" +             // "t"
            "00000001" +            // 1 partition
            "00000000" +            // partition index
            "0000" +                // error code
            "000000000000000A" +    // high watermark
            "000000000000000A" +    // last stable offset (v4+); no log start offset before v5
            "00000001" +            // 1 aborted transaction
            "0000000000000005" +    // producer id
            "0000000000000003" +    // first offset
            "FFFFFFFF");            // records: null
        Assert.Equal(expected, CodecTestHelper.Encode(response, 4, flexible: false));
    }

    [Fact]
    public void ResponseV12GoldenBytes()
    {
        var response = new FetchResponse
        {
            SessionId = 7,
            Responses =
            [
                new()
                {
                    Topic = "t",
                    Partitions =
                    [
                        new()
                        {
                            HighWatermark = 10,
                            LastStableOffset = 10,
                            LogStartOffset = 0,
                            AbortedTransactions = null,
                            CurrentLeader = new() { LeaderId = 2, LeaderEpoch = 3 },
                            Records = new MemoryRecordSet(new byte[] { 0xAB, 0xCD }),
                        },
                    ],
                },
            ],
        };
        var expected = Hex(
            "00000000" +            // throttle time
            "0000" +                // error code
            "00000007" +            // session id
            "02" +                  // 1 topic
            "02 74" +               // "t"
            "02" +                  // 1 partition
            "00000000 0000" +       // index, error
            "000000000000000A" +    // high watermark
            "000000000000000A" +    // last stable offset
            "0000000000000000" +    // log start offset
            "00" +                  // aborted transactions: compact null
            "FFFFFFFF" +            // preferred read replica -1
            "03 ABCD" +             // compact records
            "01 01 09 00000002 00000003 00" + // tag 1 current leader, size 9
            "00" +                  // topic tags
            "00");                  // response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 12, flexible: true));
    }

    [Fact]
    public void RequestSkipsUnknownTags()
    {
        // A v17 request with an unknown tag 9 on the partition next to the directory id, and an unknown top-level tag 4.
        var bytes = Hex(
            "000001F4 00000001 00100000 00 00000000 FFFFFFFF" +
            "02" + TopicIdHex + "02" +
            "00000001 00000005 000000000000002A 00000004 FFFFFFFFFFFFFFFF 00010000" +
            "02 00 10 11111111111111112222222222222222 09 03 AABBCC" +
            "00" +
            "01 01" +
            "01 04 01 FF");
        var reader = new ProtocolReader(bytes, flexible: true);
        var back = new FetchRequest();
        back.Read(ref reader, 17);
        Assert.True(reader.End);
        var p = back.Topics[0].Partitions[0];
        Assert.Equal(DirectoryId, p.ReplicaDirectoryId);
        Assert.Equal(42, p.FetchOffset);
        Assert.Null(back.ClusterId);
    }
    private static readonly Uuid MetadataTopicId = new(0, 1); // Kafka's fixed id of __cluster_metadata

    [Fact]
    public void KRaftFollowerFetchRequestV17GoldenBytes()
    {
        // What a KRaft voter sends the quorum leader: cluster id, its replica id in the tagged ReplicaState (epoch -1),
        // the last fetched epoch for divergence checks and its directory id (KIP-853).
        var request = new FetchRequest
        {
            ClusterId = "c",
            ReplicaId = 2,
            MaxWaitMs = 500,
            MaxBytes = 0x800000,
            Topics =
            [
                new()
                {
                    TopicId = MetadataTopicId,
                    Partitions = [new() { Partition = 0, CurrentLeaderEpoch = 5, FetchOffset = 100, LastFetchedEpoch = 4, ReplicaDirectoryId = DirectoryId }],
                },
            ],
        };
        var expected = Hex(
            "000001F4 00000000 00800000" + // max wait 500, min bytes 0, max bytes
            "00" +                  // isolation level
            "00000000 FFFFFFFF" +   // no fetch session
            "02 00000000000000000000000000000001" + // 1 topic: the metadata topic id
            "02" +                  // 1 partition
            "00000000" +            // partition 0
            "00000005" +            // current leader epoch
            "0000000000000064" +    // fetch offset 100
            "00000004" +            // last fetched epoch
            "FFFFFFFFFFFFFFFF" +    // log start offset -1
            "00000000" +            // partition max bytes
            "01 00 10 11111111111111112222222222222222" + // tag 0: replica directory id
            "00" +                  // topic tags
            "01 01" +               // no forgotten topics, rack ""
            "02" +                  // 2 tags
            "00 02 02 63" +         // tag 0: cluster id "c"
            "01 0D 00000002 FFFFFFFFFFFFFFFF 00"); // tag 1: replica state, replica 2, epoch -1
        Assert.Equal(expected, CodecTestHelper.Encode(request, 17, flexible: true));
        var reader = new ProtocolReader(expected, flexible: true);
        var back = new FetchRequest();
        back.Read(ref reader, 17);
        Assert.True(reader.End);
        Assert.Equal(("c", 2, -1L), (back.ClusterId, back.ReplicaId, back.ReplicaEpoch));
        Assert.Equal(DirectoryId, back.Topics[0].Partitions[0].ReplicaDirectoryId);
    }

    [Fact]
    public void KRaftLeaderFetchResponseV17GoldenBytes()
    {
        // A quorum leader's answer to a follower whose log diverged: the tagged diverging epoch, current leader and
        // snapshot id in tag order, and the leader's endpoint in the top-level NodeEndpoints (KIP-951/KIP-853).
        var response = new FetchResponse
        {
            Responses =
            [
                new()
                {
                    TopicId = MetadataTopicId,
                    Partitions =
                    [
                        new()
                        {
                            HighWatermark = 90, LastStableOffset = -1, LogStartOffset = 0, AbortedTransactions = null,
                            DivergingEpoch = new() { Epoch = 4, EndOffset = 80 },
                            CurrentLeader = new() { LeaderId = 1, LeaderEpoch = 5 },
                            SnapshotId = new() { EndOffset = 70, Epoch = 2 },
                            Records = new MemoryRecordSet(ReadOnlyMemory<byte>.Empty),
                        },
                    ],
                },
            ],
            NodeEndpoints = [new() { NodeId = 1, Host = "h", Port = 9093 }],
        };
        var expected = Hex(
            "00000000 0000 00000000" + // throttle time, error code, session id
            "02 00000000000000000000000000000001" + // 1 topic: the metadata topic id
            "02" +                  // 1 partition
            "00000000 0000" +       // partition 0, error 0
            "000000000000005A" +    // high watermark 90
            "FFFFFFFFFFFFFFFF" +    // last stable offset -1
            "0000000000000000" +    // log start offset 0
            "00" +                  // aborted transactions: null
            "FFFFFFFF" +            // preferred read replica -1
            "01" +                  // records: empty
            "03" +                  // 3 tags
            "00 0D 00000004 0000000000000050 00" + // tag 0 diverging epoch: epoch 4, end offset 80
            "01 09 00000001 00000005 00" +         // tag 1 current leader: 1, epoch 5
            "02 0D 0000000000000046 00000002 00" + // tag 2 snapshot id: end offset 70, epoch 2
            "00" +                  // topic tags
            "01 00 0D 02 00000001 02 68 00002385 00 00"); // tag 0 node endpoints: node 1 "h":9093, rack null
        Assert.Equal(expected, CodecTestHelper.Encode(response, 17, flexible: true));
        var reader = new ProtocolReader(expected, flexible: true);
        var back = new FetchResponse();
        back.Read(ref reader, 17);
        Assert.True(reader.End);
        var p = back.Responses[0].Partitions[0];
        Assert.Equal(new FetchResponse.EpochEndOffset { Epoch = 4, EndOffset = 80 }, p.DivergingEpoch);
        Assert.Equal(new SnapshotId { EndOffset = 70, Epoch = 2 }, p.SnapshotId);
        Assert.Equal(9093, Assert.Single(back.NodeEndpoints).Port);
    }
}
