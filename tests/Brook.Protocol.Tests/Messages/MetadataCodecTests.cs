using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class MetadataCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(MetadataRequest.Api);
    private static bool Flexible(short version) => MetadataRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new MetadataRequest
        {
            Topics = [new() { TopicId = SampleId, Name = "orders" }, new() { Name = "payments" }],
            AllowAutoTopicCreation = false,
            IncludeClusterAuthorizedOperations = true,
            IncludeTopicAuthorizedOperations = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.NotNull(back.Topics);
        Assert.Equal(["orders", "payments"], back.Topics.Select(t => t.Name));
        Assert.Equal(version >= 10 ? SampleId : Uuid.Zero, back.Topics[0].TopicId);
        Assert.Equal(Uuid.Zero, back.Topics[1].TopicId);
        Assert.Equal(version < 4, back.AllowAutoTopicCreation); // absent before v4, so the default (true) comes back
        Assert.Equal(version is >= 8 and <= 10, back.IncludeClusterAuthorizedOperations);
        Assert.Equal(version >= 8, back.IncludeTopicAuthorizedOperations);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void AllTopicsRequestRoundTripsAsNull(short version)
    {
        var back = CodecTestHelper.RoundTrip(new MetadataRequest { Topics = null }, version, Flexible(version));
        Assert.Null(back.Topics);
    }

    [Fact]
    public void EmptyTopicListMeansAllTopicsOnlyInV0()
    {
        Assert.Equal(Hex("00000000"), CodecTestHelper.Encode(new MetadataRequest { Topics = null }, 0, false));
        Assert.Null(Decode<MetadataRequest>(Hex("00000000"), 0, false).Topics);
        Assert.Empty(Decode<MetadataRequest>(Hex("00000000"), 1, false).Topics!);
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(new MetadataRequest { Topics = [] }, 0, false));
        Assert.Empty(CodecTestHelper.RoundTrip(new MetadataRequest { Topics = [] }, 9, true).Topics!);
    }

    [Fact]
    public void RequestTopicByIdWithNullNameRoundTripsFromV10()
    {
        var request = new MetadataRequest { Topics = [new() { TopicId = SampleId, Name = null }] };
        var back = CodecTestHelper.RoundTrip(request, 12, true);
        Assert.Null(back.Topics![0].Name);
        Assert.Equal(SampleId, back.Topics[0].TopicId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new MetadataResponse
        {
            ThrottleTimeMs = 17,
            Brokers =
            [
                new() { NodeId = 1, Host = "broker-1", Port = 9092, Rack = "rack-a" },
                new() { NodeId = 2, Host = "broker-2", Port = 9093, Rack = null },
            ],
            ClusterId = "cluster-x",
            ControllerId = 1,
            Topics =
            [
                new()
                {
                    ErrorCode = 0, Name = "orders", TopicId = SampleId, IsInternal = true, TopicAuthorizedOperations = 0x0F00,
                    Partitions =
                    [
                        new()
                        {
                            ErrorCode = 9, PartitionIndex = 3, LeaderId = 2, LeaderEpoch = 7,
                            ReplicaNodes = [2, 1], IsrNodes = [2], OfflineReplicas = [1],
                        },
                    ],
                },
                new() { ErrorCode = 3, Name = "missing" },
            ],
            ClusterAuthorizedOperations = 0x00F0,
            ErrorCode = 41,
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 3 ? 17 : 0, back.ThrottleTimeMs);
        Assert.Equal(2, back.Brokers.Count);
        Assert.Equal((1, "broker-1", 9092), (back.Brokers[0].NodeId, back.Brokers[0].Host, back.Brokers[0].Port));
        Assert.Equal((2, "broker-2", 9093), (back.Brokers[1].NodeId, back.Brokers[1].Host, back.Brokers[1].Port));
        Assert.Equal(version >= 1 ? "rack-a" : null, back.Brokers[0].Rack);
        Assert.Null(back.Brokers[1].Rack);
        Assert.Equal(version >= 2 ? "cluster-x" : null, back.ClusterId);
        Assert.Equal(version >= 1 ? 1 : -1, back.ControllerId);
        Assert.Equal(version is >= 8 and <= 10 ? 0x00F0 : int.MinValue, back.ClusterAuthorizedOperations);
        Assert.Equal(version >= 13 ? (short)41 : (short)0, back.ErrorCode);

        Assert.Equal(2, back.Topics.Count);
        var topic = back.Topics[0];
        Assert.Equal((short)0, topic.ErrorCode);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(version >= 10 ? SampleId : Uuid.Zero, topic.TopicId);
        Assert.Equal(version >= 1, topic.IsInternal);
        Assert.Equal(version >= 8 ? 0x0F00 : int.MinValue, topic.TopicAuthorizedOperations);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((short)9, partition.ErrorCode);
        Assert.Equal(3, partition.PartitionIndex);
        Assert.Equal(2, partition.LeaderId);
        Assert.Equal(version >= 7 ? 7 : -1, partition.LeaderEpoch);
        Assert.Equal([2, 1], partition.ReplicaNodes);
        Assert.Equal([2], partition.IsrNodes);
        Assert.Equal(version >= 5 ? [1] : [], partition.OfflineReplicas);
        Assert.Equal(((short)3, "missing"), (back.Topics[1].ErrorCode, back.Topics[1].Name));
        Assert.Empty(back.Topics[1].Partitions);
    }

    [Fact]
    public void ResponseTopicNameIsNullableFromV12()
    {
        var response = new MetadataResponse { Topics = [new() { ErrorCode = 100, Name = null, TopicId = SampleId }] };
        Assert.Null(CodecTestHelper.RoundTrip(response, 12, true).Topics[0].Name);
        // Before v12 the name is not nullable; a null name goes out as the empty string.
        Assert.Equal("", CodecTestHelper.RoundTrip(response, 11, true).Topics[0].Name);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new MetadataRequest { Topics = [new() { Name = "ab" }], AllowAutoTopicCreation = false };
        var expected = Hex(
            "00000001" +  // topics: 1
            "0002 6162" + // name "ab"
            "00");        // AllowAutoTopicCreation = false
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, false));
        var back = Decode<MetadataRequest>(expected, 4, false);
        Assert.Equal("ab", back.Topics![0].Name);
        Assert.False(back.AllowAutoTopicCreation);
    }

    [Fact]
    public void RequestV12GoldenBytes()
    {
        var request = new MetadataRequest
        {
            Topics = [new() { TopicId = SampleId, Name = null }],
            IncludeTopicAuthorizedOperations = true,
        };
        var expected = Hex(
            "02" +           // compact array: 1 topic
            SampleIdHex +    // topic id
            "00" +           // name: compact null
            "00" +           // topic tagged fields
            "01" +           // AllowAutoTopicCreation = true (default)
            "01" +           // IncludeTopicAuthorizedOperations
            "00");           // tagged fields
        Assert.Equal(expected, CodecTestHelper.Encode(request, 12, true));
        var back = Decode<MetadataRequest>(expected, 12, true);
        Assert.Equal(SampleId, back.Topics![0].TopicId);
        Assert.True(back.IncludeTopicAuthorizedOperations);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new MetadataResponse
        {
            Brokers = [new() { NodeId = 1, Host = "h", Port = 9092 }],
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, LeaderId = 1, ReplicaNodes = [1], IsrNodes = [1] }] }],
        };
        var expected = Hex(
            "00000001" +                    // brokers: 1
            "00000001 0001 68 00002384" +   // node 1, "h", port 9092
            "00000001" +                    // topics: 1
            "0000 0001 74" +                // error 0, name "t"
            "00000001" +                    // partitions: 1
            "0000 00000000 00000001" +      // error 0, partition 0, leader 1
            "00000001 00000001" +           // replicas [1]
            "00000001 00000001");           // isr [1]
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        var back = Decode<MetadataResponse>(expected, 0, false);
        Assert.Equal("h", back.Brokers[0].Host);
        Assert.Equal([1], back.Topics[0].Partitions[0].IsrNodes);
    }

    [Fact]
    public void ResponseV13GoldenBytes()
    {
        var response = new MetadataResponse
        {
            Brokers = [new() { NodeId = 1, Host = "h", Port = 9092 }],
            ClusterId = "c1",
            ControllerId = 1,
            Topics =
            [
                new()
                {
                    Name = "t", TopicId = SampleId,
                    Partitions = [new() { LeaderId = 1, LeaderEpoch = 5, ReplicaNodes = [1], IsrNodes = [1] }],
                },
            ],
            ErrorCode = 0,
        };
        var expected = Hex(
            "00000000" +                        // throttle
            "02" +                              // brokers: 1
            "00000001 02 68 00002384 00 00" +   // node 1, "h", 9092, rack null, tags
            "03 6331" +                         // cluster id "c1"
            "00000001" +                        // controller 1
            "02" +                              // topics: 1
            "0000 02 74" + SampleIdHex + "00" + // error, name "t", id, not internal
            "02" +                              // partitions: 1
            "0000 00000000 00000001 00000005" + // error, index 0, leader 1, epoch 5
            "02 00000001 02 00000001 01 00" +   // replicas [1], isr [1], offline [], tags
            "80000000 00" +                     // topic authorized ops omitted, tags
            "0000" +                            // top-level error (v13)
            "00");                              // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 13, true));
        var back = Decode<MetadataResponse>(expected, 13, true);
        Assert.Equal(5, back.Topics[0].Partitions[0].LeaderEpoch);
        Assert.Equal("c1", back.ClusterId);
    }

    [Fact]
    public void UnknownTaggedFieldsAreSkipped()
    {
        // v9 request with a topic-level unknown tag 7 (2 bytes) and a top-level unknown tag 3 (1 byte).
        var bytes = Hex("02 02 61 01 07 02 ABCD 01 00 00 01 03 01 FF");
        var back = Decode<MetadataRequest>(bytes, 9, true);
        Assert.Equal("a", back.Topics![0].Name);
        Assert.True(back.AllowAutoTopicCreation);
    }
}
