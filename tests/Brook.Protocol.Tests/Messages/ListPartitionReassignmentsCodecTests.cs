using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ListPartitionReassignmentsCodecTests
{
    [Fact]
    public void OnlyV0FlexibleFromTheStart()
    {
        Assert.Equal((0, 0), (ListPartitionReassignmentsRequest.Api.MinVersion, ListPartitionReassignmentsRequest.Api.MaxVersion));
        Assert.True(ListPartitionReassignmentsRequest.Api.IsFlexible(0));
        Assert.Null(new ListPartitionReassignmentsRequest().Topics);
    }

    [Fact]
    public void RequestGoldenBytesAndRoundTrip()
    {
        var all = Hex("0000EA60 00 00"); // timeout 60000, topics null (every reassignment), tags
        Assert.Equal(all, CodecTestHelper.Encode(new ListPartitionReassignmentsRequest(), 0, true));
        Assert.Null(Decode<ListPartitionReassignmentsRequest>(all, 0, true).Topics);

        var some = new ListPartitionReassignmentsRequest { TimeoutMs = 1000, Topics = [new() { Name = "t", PartitionIndexes = [0] }] };
        var expected = Hex("000003E8 02 02 74 02 00000000 00 00"); // timeout, topics: "t" [0], tags
        Assert.Equal(expected, CodecTestHelper.Encode(some, 0, true));
        var back = CodecTestHelper.RoundTrip(some, 0, true);
        Assert.Equal(1000, back.TimeoutMs);
        var topic = Assert.Single(back.Topics!);
        Assert.Equal(("t", 0), (topic.Name, Assert.Single(topic.PartitionIndexes)));
    }

    [Fact]
    public void ResponseGoldenBytesAndRoundTrip()
    {
        var response = new ListPartitionReassignmentsResponse
        {
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Replicas = [1, 2, 3], AddingReplicas = [3], RemovingReplicas = [1] }] }],
        };
        var expected = Hex(
            "00000000 0000 00" +    // throttle time, error code, message null
            "02 02 74" +            // topics: 1, "t"
            "02 00000000" +         // partitions: 1, partition 0
            "04 00000001 00000002 00000003" + // replicas [1, 2, 3]
            "02 00000003" +         // adding [3]
            "02 00000001" +         // removing [1]
            "00 00 00");            // partition, topic and response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));

        response.ThrottleTimeMs = 2;
        response.ErrorMessage = "m";
        var back = CodecTestHelper.RoundTrip(response, 0, true);
        Assert.Equal((2, "m"), (back.ThrottleTimeMs, back.ErrorMessage));
        var p = Assert.Single(Assert.Single(back.Topics).Partitions);
        Assert.Equal([1, 2, 3], p.Replicas);
        Assert.Equal([3], p.AddingReplicas);
        Assert.Equal([1], p.RemovingReplicas);
    }
}
