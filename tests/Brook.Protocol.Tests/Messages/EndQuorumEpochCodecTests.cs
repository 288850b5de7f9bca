using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class EndQuorumEpochCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(EndQuorumEpochRequest.Api);
    private static bool Flexible(short version) => EndQuorumEpochRequest.Api.IsFlexible(version);

    [Fact]
    public void FlexibleFromV1()
    {
        Assert.False(EndQuorumEpochRequest.Api.IsFlexible(0));
        Assert.True(EndQuorumEpochRequest.Api.IsFlexible(1));
    }

    private static EndQuorumEpochRequest SampleRequest() => new()
    {
        ClusterId = "c",
        Topics =
        [
            new()
            {
                TopicName = "t",
                Partitions =
                [
                    new()
                    {
                        PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5,
                        PreferredCandidates = [new() { CandidateId = 2, CandidateDirectoryId = SampleId }, new() { CandidateId = 3 }],
                    },
                ],
            },
        ],
        LeaderEndpoints = [new() { Name = "CTL", Host = "h", Port = 9093 }],
    };

    private static EndQuorumEpochResponse SampleResponse() => new()
    {
        Topics = [new() { TopicName = "t", Partitions = [new() { PartitionIndex = 0, LeaderId = -1, LeaderEpoch = 5 }] }],
        NodeEndpoints = [new() { NodeId = 2, Host = "h", Port = 9093 }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(), version, Flexible(version));

        Assert.Equal("c", back.ClusterId);
        var p = Assert.Single(Assert.Single(back.Topics).Partitions);
        Assert.Equal((0, 1, 5), (p.PartitionIndex, p.LeaderId, p.LeaderEpoch));
        // v0 carries only the successors' ids: their directory ids read back as zero.
        Assert.Equal([(2, version >= 1 ? SampleId : Uuid.Zero), (3, Uuid.Zero)],
            p.PreferredCandidates.Select(c => (c.CandidateId, c.CandidateDirectoryId)));
        Assert.Equal(version >= 1 ? SampleRequest().LeaderEndpoints : new List<ListenerEndpoint>(), back.LeaderEndpoints);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ErrorCode = 58;

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal((short)58, back.ErrorCode);
        var p = Assert.Single(Assert.Single(back.Topics).Partitions);
        Assert.Equal((0, (short)0, -1, 5), (p.PartitionIndex, p.ErrorCode, p.LeaderId, p.LeaderEpoch));
        Assert.Equal(version >= 1 ? response.NodeEndpoints : new List<RaftNodeEndpoint>(), back.NodeEndpoints);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "0001 63" +             // cluster id "c"
            "00000001 0001 74" +    // topics: 1, "t"
            "00000001" +            // partitions: 1
            "00000000" +            // partition 0
            "00000001 00000005" +   // leader 1, epoch 5
            "00000002 00000002 00000003"); // preferred successors [2, 3]; no leader endpoints, no tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, false));
        var back = Decode<EndQuorumEpochRequest>(expected, 0, false);
        Assert.Equal([2, 3], back.Topics[0].Partitions[0].PreferredCandidates.Select(c => c.CandidateId));
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "02 63" +               // cluster id "c"
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000 00000001 00000005" + // partition 0, leader 1, epoch 5
            "03" +                  // preferred candidates: 2
            "00000002" + SampleIdHex + "00" + // candidate 2 and its directory id, tags
            "00000003 00000000000000000000000000000000 00" + // candidate 3, directory unknown
            "00 00" +               // partition and topic tags
            "02 04 43544C 02 68 2385 00" + // leader endpoints: "CTL" at "h":9093
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 1, true));
        var back = Decode<EndQuorumEpochRequest>(expected, 1, true);
        Assert.Equal(SampleId, back.Topics[0].Partitions[0].PreferredCandidates[0].CandidateDirectoryId);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex("0000 00000001 0001 74 00000001 00000000 0000 FFFFFFFF 00000005"); // error, "t", partition 0, leader -1, epoch 5
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, false));
        Assert.Equal(-1, Decode<EndQuorumEpochResponse>(expected, 0, false).Topics[0].Partitions[0].LeaderId);
    }

    [Fact]
    public void ResponseV1GoldenBytes()
    {
        var expected = Hex(
            "0000 02 02 74 02 00000000 0000 FFFFFFFF 00000005 00 00" +
            "01 00 0A 02 00000002 02 68 2385 00"); // tag 0: node 2 at "h":9093
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 1, true));
        Assert.Equal(2, Assert.Single(Decode<EndQuorumEpochResponse>(expected, 1, true).NodeEndpoints).NodeId);
    }
}
