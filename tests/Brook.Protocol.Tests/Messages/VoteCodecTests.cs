using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class VoteCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(VoteRequest.Api);
    private static readonly Uuid VoterDirectory = new(0x1111111111111111, 0x2222222222222222);
    private const string VoterDirectoryHex = "1111111111111111 2222222222222222";

    [Fact]
    public void EveryVersionIsFlexible()
    {
        Assert.Equal((short)0, VoteRequest.Api.MinVersion);
        Assert.Equal((short)2, VoteRequest.Api.MaxVersion);
        foreach (var version in new short[] { 0, 1, 2 }) Assert.True(VoteRequest.Api.IsFlexible(version));
    }

    private static VoteRequest SampleRequest(bool preVote) => new()
    {
        ClusterId = "c",
        VoterId = 2,
        Topics =
        [
            new()
            {
                TopicName = "t",
                Partitions =
                [
                    new()
                    {
                        PartitionIndex = 0, ReplicaEpoch = 5, ReplicaId = 1, ReplicaDirectoryId = SampleId,
                        VoterDirectoryId = VoterDirectory, LastOffsetEpoch = 4, LastOffset = 100, PreVote = preVote,
                    },
                ],
            },
        ],
    };

    private static VoteResponse SampleResponse() => new()
    {
        Topics = [new() { TopicName = "t", Partitions = [new() { LeaderId = 1, LeaderEpoch = 5, VoteGranted = true }] }],
        NodeEndpoints = [new() { NodeId = 1, Host = "h", Port = 9093 }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(preVote: version >= 2), version, true);

        Assert.Equal("c", back.ClusterId);
        Assert.Equal(version >= 1 ? 2 : -1, back.VoterId);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("t", topic.TopicName);
        var p = Assert.Single(topic.Partitions);
        Assert.Equal((0, 5, 1, 4, 100L), (p.PartitionIndex, p.ReplicaEpoch, p.ReplicaId, p.LastOffsetEpoch, p.LastOffset));
        Assert.Equal(version >= 1 ? SampleId : Uuid.Zero, p.ReplicaDirectoryId);
        Assert.Equal(version >= 1 ? VoterDirectory : Uuid.Zero, p.VoterDirectoryId);
        Assert.Equal(version >= 2, p.PreVote);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ErrorCode = 0;
        response.Topics[0].Partitions.Add(new() { PartitionIndex = 1, ErrorCode = 59, LeaderId = -1, LeaderEpoch = 6 });

        var back = CodecTestHelper.RoundTrip(response, version, true);

        var topic = Assert.Single(back.Topics);
        Assert.Equal([(0, (short)0, 1, 5, true), (1, (short)59, -1, 6, false)],
            topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode, p.LeaderId, p.LeaderEpoch, p.VoteGranted)));
        Assert.Equal(version >= 1 ? response.NodeEndpoints : new List<RaftNodeEndpoint>(), back.NodeEndpoints);
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    public void PreVoteCannotBeSentBelowV2(short version) =>
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(SampleRequest(preVote: true), version, true));

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "02 63" +               // cluster id "c"; no voter id before v1
            "02 02 74" +            // topics: 1, "t"
            "02" +                  // partitions: 1
            "00000000" +            // partition 0
            "00000005" +            // replica epoch
            "00000001" +            // replica id; no directory ids before v1
            "00000004" +            // last offset epoch
            "0000000000000064" +    // last offset 100; no pre-vote flag before v2
            "00 00 00");            // partition, topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(preVote: false), 0, true));
        var back = Decode<VoteRequest>(expected, 0, true);
        Assert.Equal(-1, back.VoterId);
        Assert.Equal(Uuid.Zero, back.Topics[0].Partitions[0].ReplicaDirectoryId);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var expected = Hex(
            "02 63" +               // cluster id "c"
            "00000002" +            // voter id 2
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 00000005 00000001" + // partition 0, replica epoch 5, replica id 1
            SampleIdHex +           // replica directory id
            VoterDirectoryHex +     // voter directory id
            "00000004 0000000000000064" + // last offset epoch 4, last offset 100
            "01" +                  // pre-vote
            "00 00 00");            // partition, topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(preVote: true), 2, true));
        var back = Decode<VoteRequest>(expected, 2, true);
        Assert.True(back.Topics[0].Partitions[0].PreVote);
        Assert.Equal(VoterDirectory, back.Topics[0].Partitions[0].VoterDirectoryId);
    }

    [Fact]
    public void RequestNullClusterIdIsCompactNull()
    {
        var request = new VoteRequest { Topics = [] };
        Assert.Equal(Hex("00 FFFFFFFF 01 00"), CodecTestHelper.Encode(request, 1, true)); // null, voter -1, no topics, tags
        Assert.Null(Decode<VoteRequest>(Hex("00 FFFFFFFF 01 00"), 1, true).ClusterId);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "0000" +                // error code
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 0000" +       // partition 0, error 0
            "00000001 00000005" +   // leader 1, epoch 5
            "01" +                  // vote granted
            "00 00" +               // partition and topic tags
            "00");                  // no tags: node endpoints are v1+
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, true));
        Assert.Empty(Decode<VoteResponse>(expected, 0, true).NodeEndpoints);
    }

    [Fact]
    public void ResponseV2GoldenBytes()
    {
        var expected = Hex(
            "0000 02 02 74 02 00000000 0000 00000001 00000005 01 00 00" +
            "01" +                  // 1 tag
            "00 0A" +               // tag 0 node endpoints, 10 bytes
            "02 00000001 02 68 2385 00"); // 1 endpoint: node 1, "h", port 9093 (uint16), tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 2, true));
        var endpoint = Assert.Single(Decode<VoteResponse>(expected, 2, true).NodeEndpoints);
        Assert.Equal(new RaftNodeEndpoint { NodeId = 1, Host = "h", Port = 9093 }, endpoint);
    }

    [Fact]
    public void ResponseSkipsUnknownTags()
    {
        var bytes = Hex("0000 01" + "02 00 0A 02 00000001 02 68 2385 00 05 03 AABBCC"); // tag 0, then an unknown tag 5
        var back = Decode<VoteResponse>(bytes, 1, true);
        Assert.Equal(9093, Assert.Single(back.NodeEndpoints).Port);
    }
}
