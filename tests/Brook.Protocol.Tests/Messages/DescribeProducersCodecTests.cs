using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeProducersCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeProducersRequest.Api);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DescribeProducersRequest { Topics = [new() { Name = "orders", PartitionIndexes = [0, 3] }, new() { Name = "events", PartitionIndexes = [] }] };

        var back = CodecTestHelper.RoundTrip(request, version, true);

        Assert.Equal(["orders", "events"], back.Topics.Select(t => t.Name));
        Assert.Equal([0, 3], back.Topics[0].PartitionIndexes);
        Assert.Empty(back.Topics[1].PartitionIndexes);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeProducersResponse
        {
            ThrottleTimeMs = 4,
            Topics =
            [
                new()
                {
                    Name = "orders",
                    Partitions =
                    [
                        new()
                        {
                            PartitionIndex = 0,
                            ActiveProducers =
                            [
                                new() { ProducerId = 42, ProducerEpoch = 70000, LastSequence = 9, LastTimestamp = 1_700_000_000_000, CoordinatorEpoch = 2, CurrentTxnStartOffset = 100 },
                                new() { ProducerId = 43, ProducerEpoch = 0 },
                            ],
                        },
                        new() { PartitionIndex = 1, ErrorCode = 6, ErrorMessage = "not leader" },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(4, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Topics);
        Assert.Equal("orders", topic.Name);
        var p0 = topic.Partitions[0];
        Assert.Equal((0, (short)0, (string?)null), (p0.PartitionIndex, p0.ErrorCode, p0.ErrorMessage));
        Assert.Equal(
            [(42L, 70000, 9, 1_700_000_000_000L, 2, 100L), (43L, 0, -1, -1L, 0, -1L)],
            p0.ActiveProducers.Select(p => (p.ProducerId, p.ProducerEpoch, p.LastSequence, p.LastTimestamp, p.CoordinatorEpoch, p.CurrentTxnStartOffset)));
        var p1 = topic.Partitions[1];
        Assert.Equal((1, (short)6, (string?)"not leader"), (p1.PartitionIndex, p1.ErrorCode, p1.ErrorMessage));
        Assert.Empty(p1.ActiveProducers);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new DescribeProducersRequest { Topics = [new() { Name = "t", PartitionIndexes = [0, 1] }] };
        var expected = Hex("02 02 74 03 00000000 00000001 00 00"); // topics: "t" [0, 1], topic tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        Assert.Equal([0, 1], Decode<DescribeProducersRequest>(expected, 0, true).Topics[0].PartitionIndexes);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new DescribeProducersResponse
        {
            Topics =
            [
                new()
                {
                    Name = "t",
                    Partitions =
                    [
                        new()
                        {
                            PartitionIndex = 0,
                            ActiveProducers = [new() { ProducerId = 1000, ProducerEpoch = 1, LastSequence = 9, LastTimestamp = 2000, CoordinatorEpoch = 3, CurrentTxnStartOffset = 100 }],
                        },
                    ],
                },
            ],
        };
        var expected = Hex(
            "00000000" +                // throttle
            "02 02 74" +                // topics: "t"
            "02 00000000 0000 00" +     // partition 0, no error, null message
            "02 00000000000003E8 00000001" + // producer 1000, epoch 1 (int32 here)
            "00000009 00000000000007D0" + // last sequence 9, last timestamp 2000
            "00000003 0000000000000064 00" + // coordinator epoch 3, open transaction at 100, tags
            "00 00 00");                // partition, topic, response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal(100L, Decode<DescribeProducersResponse>(expected, 0, true).Topics[0].Partitions[0].ActiveProducers[0].CurrentTxnStartOffset);
    }
}
