using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeQuorumCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeQuorumRequest.Api);

    [Fact]
    public void EveryVersionIsFlexible()
    {
        foreach (var version in new short[] { 0, 1, 2 }) Assert.True(DescribeQuorumRequest.Api.IsFlexible(version));
    }

    private static DescribeQuorumRequest SampleRequest() => new() { Topics = [new() { TopicName = "t", Partitions = [new() { PartitionIndex = 0 }] }] };

    private static DescribeQuorumResponse SampleResponse() => new()
    {
        Topics =
        [
            new()
            {
                TopicName = "t",
                Partitions =
                [
                    new()
                    {
                        PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5, HighWatermark = 100,
                        CurrentVoters = [new() { ReplicaId = 1, ReplicaDirectoryId = SampleId, LogEndOffset = 100, LastCaughtUpTimestamp = 1000 }],
                    },
                ],
            },
        ],
        Nodes = [new() { NodeId = 1, Listeners = [new() { Name = "CTL", Host = "h", Port = 9093 }] }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = SampleRequest();
        request.Topics[0].Partitions.Add(new() { PartitionIndex = 3 });
        var back = CodecTestHelper.RoundTrip(request, version, true);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("t", topic.TopicName);
        Assert.Equal([0, 3], topic.Partitions.Select(p => p.PartitionIndex));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ErrorCode = 0;
        response.ErrorMessage = "top";
        var partition = response.Topics[0].Partitions[0];
        partition.ErrorMessage = "partition";
        partition.Observers = [new() { ReplicaId = 7, LogEndOffset = 90, LastFetchTimestamp = 2000, LastCaughtUpTimestamp = 1500 }];

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(version >= 2 ? "top" : null, back.ErrorMessage);
        var p = Assert.Single(Assert.Single(back.Topics).Partitions);
        Assert.Equal(version >= 2 ? "partition" : null, p.ErrorMessage);
        Assert.Equal((0, 1, 5, 100L), (p.PartitionIndex, p.LeaderId, p.LeaderEpoch, p.HighWatermark));
        var voter = Assert.Single(p.CurrentVoters);
        Assert.Equal(new DescribeQuorumResponse.ReplicaState
        {
            ReplicaId = 1,
            ReplicaDirectoryId = version >= 2 ? SampleId : Uuid.Zero,
            LogEndOffset = 100,
            LastFetchTimestamp = -1,
            LastCaughtUpTimestamp = version >= 1 ? 1000 : -1,
        }, voter);
        var observer = Assert.Single(p.Observers);
        Assert.Equal((7, 90L), (observer.ReplicaId, observer.LogEndOffset));
        Assert.Equal(version >= 1 ? (2000L, 1500L) : (-1L, -1L), (observer.LastFetchTimestamp, observer.LastCaughtUpTimestamp));
        if (version >= 2)
        {
            var node = Assert.Single(back.Nodes);
            Assert.Equal(1, node.NodeId);
            Assert.Equal(new ListenerEndpoint { Name = "CTL", Host = "h", Port = 9093 }, Assert.Single(node.Listeners));
        }
        else
        {
            Assert.Empty(back.Nodes);
        }
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        // The request is the same in every version.
        var expected = Hex(
            "02 02 74" +            // topics: 1, "t"
            "02 00000000 00" +      // partitions: 1, partition 0, its tags
            "00 00");               // topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, true));
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 2, true));
        Assert.Equal(0, Decode<DescribeQuorumRequest>(expected, 2, true).Topics[0].Partitions[0].PartitionIndex);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "0000" +                // error code; no message before v2
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 0000" +       // partition 0, error 0; no message before v2
            "00000001 00000005" +   // leader 1, epoch 5
            "0000000000000064" +    // high watermark 100
            "02 00000001 0000000000000064 00" + // voters: replica 1, log end 100 (no directory id, no timestamps), tags
            "01" +                  // observers: empty
            "00 00" +               // partition and topic tags; no nodes before v2
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, true));
        var voter = Decode<DescribeQuorumResponse>(expected, 0, true).Topics[0].Partitions[0].CurrentVoters[0];
        Assert.Equal((-1L, -1L), (voter.LastFetchTimestamp, voter.LastCaughtUpTimestamp));
    }

    [Fact]
    public void ResponseV2GoldenBytes()
    {
        var expected = Hex(
            "0000 00" +             // error code, message null
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 0000 00" +    // partition 0, error 0, message null
            "00000001 00000005 0000000000000064" + // leader, epoch, high watermark
            "02 00000001" + SampleIdHex + // voters: replica 1 and its directory id
            "0000000000000064" +    // log end offset 100
            "FFFFFFFFFFFFFFFF" +    // last fetch timestamp -1
            "00000000000003E8 00" + // last caught-up timestamp 1000, tags
            "01" +                  // observers: empty
            "00 00" +               // partition and topic tags
            "02 00000001 02 04 43544C 02 68 2385 00 00" + // nodes: node 1, listeners: "CTL" at "h":9093
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 2, true));
        var back = Decode<DescribeQuorumResponse>(expected, 2, true);
        Assert.Equal(SampleId, back.Topics[0].Partitions[0].CurrentVoters[0].ReplicaDirectoryId);
        Assert.Equal((ushort)9093, back.Nodes[0].Listeners[0].Port);
    }
}
