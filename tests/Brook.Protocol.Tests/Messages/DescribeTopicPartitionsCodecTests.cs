using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeTopicPartitionsCodecTests
{
    [Fact]
    public void OnlyV0FlexibleFromTheStartWithSpecDefaults()
    {
        Assert.Equal((0, 0), (DescribeTopicPartitionsRequest.Api.MinVersion, DescribeTopicPartitionsRequest.Api.MaxVersion));
        Assert.True(DescribeTopicPartitionsRequest.Api.IsFlexible(0));
        Assert.Equal(2000, new DescribeTopicPartitionsRequest().ResponsePartitionLimit);
        Assert.Equal(int.MinValue, new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic().TopicAuthorizedOperations);
        var partition = new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition();
        Assert.Equal(-1, partition.LeaderEpoch);
        Assert.Null(partition.EligibleLeaderReplicas);
        Assert.Null(partition.LastKnownElr);
    }

    [Fact]
    public void RequestGoldenBytes()
    {
        var first = new DescribeTopicPartitionsRequest { Topics = [new() { Name = "t" }] };
        var expected = Hex(
            "02 02 74 00" +         // topics: 1, "t", tags
            "000007D0" +            // response partition limit 2000
            "FF" +                  // cursor: null
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(first, 0, true));
        Assert.Null(Decode<DescribeTopicPartitionsRequest>(expected, 0, true).Cursor);

        var next = new DescribeTopicPartitionsRequest { Topics = [new() { Name = "t" }], Cursor = new() { TopicName = "t", PartitionIndex = 5 } };
        var withCursor = Hex("02 02 74 00 000007D0" + "01 02 74 00000005 00" + "00"); // cursor present: "t", partition 5, tags
        Assert.Equal(withCursor, CodecTestHelper.Encode(next, 0, true));
        Assert.Equal(next.Cursor, Decode<DescribeTopicPartitionsRequest>(withCursor, 0, true).Cursor);
    }

    [Fact]
    public void RequestRoundTrips()
    {
        var request = new DescribeTopicPartitionsRequest
        {
            Topics = [new() { Name = "a" }, new() { Name = "b" }],
            ResponsePartitionLimit = 10,
            Cursor = new() { TopicName = "b", PartitionIndex = 3 },
        };
        var back = CodecTestHelper.RoundTrip(request, 0, true);
        Assert.Equal(["a", "b"], back.Topics.Select(t => t.Name));
        Assert.Equal(10, back.ResponsePartitionLimit);
        Assert.Equal(new DescribeTopicPartitionsCursor { TopicName = "b", PartitionIndex = 3 }, back.Cursor);
    }

    private static DescribeTopicPartitionsResponse SampleResponse() => new()
    {
        Topics =
        [
            new()
            {
                Name = "t", TopicId = SampleId,
                Partitions =
                [
                    new() { PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5, ReplicaNodes = [1, 2], IsrNodes = [1], EligibleLeaderReplicas = [2] },
                ],
            },
        ],
        NextCursor = new() { TopicName = "t", PartitionIndex = 1 },
    };

    [Fact]
    public void ResponseGoldenBytes()
    {
        var expected = Hex(
            "00000000" +            // throttle time
            "02" +                  // topics: 1
            "0000 02 74" +          // error 0, name "t"
            SampleIdHex +           // topic id
            "00" +                  // not internal
            "02" +                  // partitions: 1
            "0000 00000000" +       // error 0, partition 0
            "00000001 00000005" +   // leader 1, leader epoch 5
            "03 00000001 00000002" + // replicas [1, 2]
            "02 00000001" +         // ISR [1]
            "02 00000002" +         // eligible leader replicas [2]
            "00" +                  // last known ELR: null
            "01" +                  // offline replicas: empty
            "00" +                  // partition tags
            "80000000 00" +         // authorized operations omitted, topic tags
            "01 02 74 00000001 00" + // next cursor: "t", partition 1
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 0, true));
        var back = Decode<DescribeTopicPartitionsResponse>(expected, 0, true);
        var p = back.Topics[0].Partitions[0];
        Assert.Equal([2], p.EligibleLeaderReplicas!);
        Assert.Null(p.LastKnownElr);
        Assert.Equal(1, back.NextCursor!.PartitionIndex);
    }

    [Fact]
    public void ResponseRoundTrips()
    {
        var response = SampleResponse();
        response.ThrottleTimeMs = 7;
        response.NextCursor = null;
        response.Topics[0].IsInternal = true;
        response.Topics[0].TopicAuthorizedOperations = 0x0F;
        response.Topics[0].Partitions[0].LastKnownElr = [3];
        response.Topics[0].Partitions[0].OfflineReplicas = [2];
        response.Topics.Add(new() { ErrorCode = 3, Name = null });

        var back = CodecTestHelper.RoundTrip(response, 0, true);

        Assert.Equal(7, back.ThrottleTimeMs);
        Assert.Null(back.NextCursor);
        var t = back.Topics[0];
        Assert.Equal(("t", SampleId, true, 0x0F), (t.Name, t.TopicId, t.IsInternal, t.TopicAuthorizedOperations));
        var p = Assert.Single(t.Partitions);
        Assert.Equal((0, 1, 5), (p.PartitionIndex, p.LeaderId, p.LeaderEpoch));
        Assert.Equal([1, 2], p.ReplicaNodes);
        Assert.Equal([1], p.IsrNodes);
        Assert.Equal([2], p.EligibleLeaderReplicas!);
        Assert.Equal([3], p.LastKnownElr!);
        Assert.Equal([2], p.OfflineReplicas);
        Assert.Equal(((short)3, (string?)null), (back.Topics[1].ErrorCode, back.Topics[1].Name));
    }
}
