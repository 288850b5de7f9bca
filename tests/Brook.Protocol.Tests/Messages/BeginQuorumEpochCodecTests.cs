using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class BeginQuorumEpochCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(BeginQuorumEpochRequest.Api);
    private static bool Flexible(short version) => BeginQuorumEpochRequest.Api.IsFlexible(version);

    [Fact]
    public void FlexibleFromV1()
    {
        Assert.False(BeginQuorumEpochRequest.Api.IsFlexible(0));
        Assert.True(BeginQuorumEpochRequest.Api.IsFlexible(1));
        Assert.Equal((short)1, BeginQuorumEpochRequest.Api.MaxVersion);
    }

    private static BeginQuorumEpochRequest SampleRequest() => new()
    {
        ClusterId = "c",
        VoterId = 2,
        Topics = [new() { TopicName = "t", Partitions = [new() { PartitionIndex = 0, VoterDirectoryId = SampleId, LeaderId = 1, LeaderEpoch = 5 }] }],
        LeaderEndpoints = [new() { Name = "CTL", Host = "h", Port = 9093 }],
    };

    private static BeginQuorumEpochResponse SampleResponse() => new()
    {
        Topics = [new() { TopicName = "t", Partitions = [new() { PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5 }] }],
        NodeEndpoints = [new() { NodeId = 1, Host = "h", Port = 9093 }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(), version, Flexible(version));

        Assert.Equal("c", back.ClusterId);
        Assert.Equal(version >= 1 ? 2 : -1, back.VoterId);
        var p = Assert.Single(Assert.Single(back.Topics).Partitions);
        Assert.Equal((0, 1, 5), (p.PartitionIndex, p.LeaderId, p.LeaderEpoch));
        Assert.Equal(version >= 1 ? SampleId : Uuid.Zero, p.VoterDirectoryId);
        Assert.Equal(version >= 1 ? SampleRequest().LeaderEndpoints : new List<ListenerEndpoint>(), back.LeaderEndpoints);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ErrorCode = 0;
        response.Topics[0].Partitions.Add(new() { PartitionIndex = 1, ErrorCode = 9, LeaderId = -1, LeaderEpoch = 7 });

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal([(0, (short)0, 1, 5), (1, (short)9, -1, 7)],
            Assert.Single(back.Topics).Partitions.Select(p => (p.PartitionIndex, p.ErrorCode, p.LeaderId, p.LeaderEpoch)));
        Assert.Equal(version >= 1 ? response.NodeEndpoints : new List<RaftNodeEndpoint>(), back.NodeEndpoints);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "0001 63" +             // cluster id "c" (classic nullable string); no voter id before v1
            "00000001 0001 74" +    // topics: 1, "t"
            "00000001" +            // partitions: 1
            "00000000" +            // partition 0; no voter directory id before v1
            "00000001 00000005");   // leader 1, epoch 5; no leader endpoints, no tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, false));
        var back = Decode<BeginQuorumEpochRequest>(expected, 0, false);
        Assert.Empty(back.LeaderEndpoints);
        Assert.Equal(-1, back.VoterId);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "02 63" +               // cluster id "c"
            "00000002" +            // voter id 2
            "02 02 74 02" +         // topics: 1 "t", partitions: 1
            "00000000" +            // partition 0
            SampleIdHex +           // voter directory id
            "00000001 00000005" +   // leader 1, epoch 5
            "00 00" +               // partition and topic tags
            "02 04 43544C 02 68 2385 00" + // leader endpoints: "CTL" at "h":9093, tags
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 1, true));
        var back = Decode<BeginQuorumEpochRequest>(expected, 1, true);
        Assert.Equal(SampleId, back.Topics[0].Partitions[0].VoterDirectoryId);
        Assert.Equal("CTL", Assert.Single(back.LeaderEndpoints).Name);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "0000" +                // error code
            "00000001 0001 74" +    // topics: 1, "t"
            "00000001" +            // partitions: 1
            "00000000 0000" +       // partition 0, error 0
            "00000001 00000005");   // leader 1, epoch 5; no tags (node endpoints are v1+)
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, false));
        Assert.Empty(Decode<BeginQuorumEpochResponse>(expected, 0, false).NodeEndpoints);
    }

    [Fact]
    public void ResponseV1GoldenBytes()
    {
        var expected = Hex(
            "0000 02 02 74 02 00000000 0000 00000001 00000005 00 00" +
            "01 00 0A" +            // 1 tag: tag 0 node endpoints, 10 bytes
            "02 00000001 02 68 2385 00"); // node 1 at "h":9093
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 1, true));
        Assert.Equal(1, Assert.Single(Decode<BeginQuorumEpochResponse>(expected, 1, true).NodeEndpoints).NodeId);

        var noEndpoints = SampleResponse();
        noEndpoints.NodeEndpoints = [];
        Assert.Equal(Hex("0000 02 02 74 02 00000000 0000 00000001 00000005 00 00 00"), CodecTestHelper.Encode(noEndpoints, 1, true));
    }
}
