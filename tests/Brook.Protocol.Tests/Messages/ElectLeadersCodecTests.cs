using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ElectLeadersCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(ElectLeadersRequest.Api);
    private static bool Flexible(short version) => ElectLeadersRequest.Api.IsFlexible(version);

    [Fact]
    public void FlexibleFromV2()
    {
        Assert.False(ElectLeadersRequest.Api.IsFlexible(1));
        Assert.True(ElectLeadersRequest.Api.IsFlexible(2));
        Assert.Equal(60000, new ElectLeadersRequest().TimeoutMs);
    }

    private static ElectLeadersRequest SampleRequest(sbyte electionType) => new()
    {
        ElectionType = electionType,
        TopicPartitions = [new() { Topic = "t", Partitions = [0, 1] }],
    };

    private static ElectLeadersResponse SampleResponse() => new()
    {
        ReplicaElectionResults = [new() { Topic = "t", PartitionResult = [new() { PartitionId = 0 }] }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var type = version >= 1 ? ElectLeadersRequest.UncleanElection : ElectLeadersRequest.PreferredElection;
        var request = SampleRequest(type);
        request.TimeoutMs = 30000;

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(type, back.ElectionType);
        var topic = Assert.Single(back.TopicPartitions!);
        Assert.Equal(("t", 30000), (topic.Topic, back.TimeoutMs));
        Assert.Equal([0, 1], topic.Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void NullPartitionListMeansAllPartitionsInEveryVersion(short version) =>
        Assert.Null(CodecTestHelper.RoundTrip(new ElectLeadersRequest { TopicPartitions = null }, version, Flexible(version)).TopicPartitions);

    [Fact]
    public void UncleanElectionCannotBeSentAtV0() =>
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(SampleRequest(ElectLeadersRequest.UncleanElection), 0, false));

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ThrottleTimeMs = 4;
        response.ErrorCode = 31;
        response.ReplicaElectionResults[0].PartitionResult.Add(new() { PartitionId = 1, ErrorCode = 84, ErrorMessage = "not needed" });

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(4, back.ThrottleTimeMs);
        Assert.Equal(version >= 1 ? (short)31 : (short)0, back.ErrorCode);
        var result = Assert.Single(back.ReplicaElectionResults);
        Assert.Equal("t", result.Topic);
        Assert.Equal([(0, (short)0, (string?)null), (1, (short)84, "not needed")],
            result.PartitionResult.Select(p => (p.PartitionId, p.ErrorCode, p.ErrorMessage)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "00000001 0001 74" +    // topic partitions: 1, "t" (no election type before v1)
            "00000002 00000000 00000001" + // partitions [0, 1]
            "0000EA60");            // timeout 60000
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(ElectLeadersRequest.PreferredElection), 0, false));
        Assert.Equal(ElectLeadersRequest.PreferredElection, Decode<ElectLeadersRequest>(expected, 0, false).ElectionType);
        Assert.Equal(Hex("01 FFFFFFFF 0000EA60"), CodecTestHelper.Encode(new ElectLeadersRequest { ElectionType = 1, TopicPartitions = null }, 1, false));
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var expected = Hex(
            "01" +                  // election type: unclean
            "02 02 74" +            // topic partitions: 1, "t"
            "03 00000000 00000001 00" + // partitions [0, 1], tags
            "0000EA60" +            // timeout 60000
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(ElectLeadersRequest.UncleanElection), 2, true));
        Assert.Equal(ElectLeadersRequest.UncleanElection, Decode<ElectLeadersRequest>(expected, 2, true).ElectionType);
        Assert.Equal(Hex("00 00 0000EA60 00"), CodecTestHelper.Encode(new ElectLeadersRequest { TopicPartitions = null }, 2, true));
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var expected = Hex(
            "00000000" +            // throttle time; no top-level error before v1
            "00000001 0001 74" +    // results: 1, "t"
            "00000001 00000000 0000 FFFF"); // partitions: 1, partition 0, error 0, message null
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, false));
        Assert.Null(Decode<ElectLeadersResponse>(expected, 0, false).ReplicaElectionResults[0].PartitionResult[0].ErrorMessage);
    }

    [Fact]
    public void ResponseV2GoldenBytes()
    {
        var expected = Hex(
            "00000000 0000" +       // throttle time, error code
            "02 02 74" +            // results: 1, "t"
            "02 00000000 0000 00 00" + // partitions: 1, partition 0, error 0, message null, tags
            "00 00");               // result and response tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 2, true));
        Assert.Equal("t", Decode<ElectLeadersResponse>(expected, 2, true).ReplicaElectionResults[0].Topic);
    }
}
