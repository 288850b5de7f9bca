using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AlterPartitionReassignmentsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AlterPartitionReassignmentsRequest.Api);

    [Fact]
    public void Defaults()
    {
        Assert.Equal((short)1, AlterPartitionReassignmentsRequest.Api.MaxVersion);
        Assert.True(AlterPartitionReassignmentsRequest.Api.IsFlexible(0));
        var request = new AlterPartitionReassignmentsRequest();
        Assert.Equal((60000, true), (request.TimeoutMs, request.AllowReplicationFactorChange));
        Assert.True(new AlterPartitionReassignmentsResponse().AllowReplicationFactorChange);
    }

    private static AlterPartitionReassignmentsRequest SampleRequest(bool allowChange) => new()
    {
        AllowReplicationFactorChange = allowChange,
        Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Replicas = [1, 2, 3] }, new() { PartitionIndex = 1, Replicas = null }] }],
    };

    private static AlterPartitionReassignmentsResponse SampleResponse() => new()
    {
        Responses = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0 }] }],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(allowChange: version == 0), version, true);

        Assert.Equal(60000, back.TimeoutMs);
        Assert.Equal(version == 0, back.AllowReplicationFactorChange); // v0 reads back the default: allowed
        var topic = Assert.Single(back.Topics);
        Assert.Equal("t", topic.Name);
        Assert.Equal([1, 2, 3], topic.Partitions[0].Replicas!);
        Assert.Null(topic.Partitions[1].Replicas); // cancels the pending reassignment
    }

    [Fact]
    public void ForbiddingReplicationFactorChangeNeedsV1() =>
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(SampleRequest(allowChange: false), 0, true));

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ThrottleTimeMs = 1;
        response.AllowReplicationFactorChange = false;
        response.ErrorMessage = "partly";
        response.Responses[0].Partitions.Add(new() { PartitionIndex = 1, ErrorCode = 85, ErrorMessage = "none" });

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal((1, version == 0, "partly"), (back.ThrottleTimeMs, back.AllowReplicationFactorChange, back.ErrorMessage));
        var topic = Assert.Single(back.Responses);
        Assert.Equal([(0, (short)0, (string?)null), (1, (short)85, "none")],
            topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode, p.ErrorMessage)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "0000EA60" +            // timeout 60000; no AllowReplicationFactorChange before v1
            "02 02 74" +            // topics: 1, "t"
            "03" +                  // partitions: 2
            "00000000 04 00000001 00000002 00000003 00" + // partition 0 to [1, 2, 3]
            "00000001 00 00" +      // partition 1: replicas null (cancel)
            "00 00");               // topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(allowChange: true), 0, true));
        Assert.Null(Decode<AlterPartitionReassignmentsRequest>(expected, 0, true).Topics[0].Partitions[1].Replicas);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "0000EA60" +            // timeout 60000
            "00" +                  // replication factor changes forbidden
            "02 02 74 03 00000000 04 00000001 00000002 00000003 00 00000001 00 00 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(allowChange: false), 1, true));
        Assert.False(Decode<AlterPartitionReassignmentsRequest>(expected, 1, true).AllowReplicationFactorChange);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var v0 = Hex(
            "00000000" +            // throttle time
            "0000 00" +             // error code, message null
            "02 02 74" +            // responses: 1, "t"
            "02 00000000 0000 00 00" + // partitions: 1, partition 0, error 0, message null, tags
            "00 00");               // topic and response tags
        var v1 = Hex("00000000 01 0000 00 02 02 74 02 00000000 0000 00 00 00 00"); // AllowReplicationFactorChange after the throttle time
        Assert.Equal(v0, CodecTestHelper.Encode(SampleResponse(), 0, true));
        Assert.Equal(v1, CodecTestHelper.Encode(SampleResponse(), 1, true));
        Assert.True(Decode<AlterPartitionReassignmentsResponse>(v1, 1, true).AllowReplicationFactorChange);
    }
}
