using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AlterPartitionCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AlterPartitionRequest.Api);

    [Fact]
    public void Kafka4VersionsOnlyAllFlexible()
    {
        Assert.Equal((short)2, AlterPartitionRequest.Api.MinVersion);
        Assert.Equal((short)3, AlterPartitionRequest.Api.MaxVersion);
        Assert.True(AlterPartitionRequest.Api.IsFlexible(2));
    }

    private static AlterPartitionRequest SampleRequest() => new()
    {
        BrokerId = 1,
        BrokerEpoch = 10,
        Topics =
        [
            new()
            {
                TopicId = SampleId,
                Partitions =
                [
                    new()
                    {
                        PartitionIndex = 0, LeaderEpoch = 5, LeaderRecoveryState = 0, PartitionEpoch = 7,
                        NewIsrWithEpochs = [new() { BrokerId = 1, BrokerEpoch = 10 }, new() { BrokerId = 2, BrokerEpoch = 12 }],
                    },
                ],
            },
        ],
    };

    private static AlterPartitionResponse SampleResponse() => new()
    {
        Topics =
        [
            new()
            {
                TopicId = SampleId,
                Partitions = [new() { PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 5, Isr = [1, 2], LeaderRecoveryState = 1, PartitionEpoch = 8 }],
            },
        ],
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(SampleRequest(), version, true);

        Assert.Equal((1, 10L), (back.BrokerId, back.BrokerEpoch));
        var topic = Assert.Single(back.Topics);
        Assert.Equal(SampleId, topic.TopicId);
        var p = Assert.Single(topic.Partitions);
        Assert.Equal((0, 5, (sbyte)0, 7), (p.PartitionIndex, p.LeaderEpoch, p.LeaderRecoveryState, p.PartitionEpoch));
        // v2 carries only the ids of the proposed ISR: the broker epochs read back as -1.
        Assert.Equal(version >= 3 ? [(1, 10L), (2, 12L)] : [(1, -1L), (2, -1L)],
            p.NewIsrWithEpochs.Select(b => (b.BrokerId, b.BrokerEpoch)).ToList());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = SampleResponse();
        response.ThrottleTimeMs = 2;
        response.Topics[0].Partitions.Add(new() { PartitionIndex = 1, ErrorCode = 108 }); // NEW_LEADER_ELECTED

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(2, back.ThrottleTimeMs);
        var partitions = Assert.Single(back.Topics).Partitions;
        var p = partitions[0];
        Assert.Equal((0, (short)0, 1, 5, (sbyte)1, 8), (p.PartitionIndex, p.ErrorCode, p.LeaderId, p.LeaderEpoch, p.LeaderRecoveryState, p.PartitionEpoch));
        Assert.Equal([1, 2], p.Isr);
        Assert.Equal((short)108, partitions[1].ErrorCode);
        Assert.Empty(partitions[1].Isr);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var expected = Hex(
            "00000001" +            // broker id 1
            "000000000000000A" +    // broker epoch 10
            "02" + SampleIdHex +    // topics: 1, by id
            "02" +                  // partitions: 1
            "00000000 00000005" +   // partition 0, leader epoch 5
            "03 00000001 00000002" + // new ISR [1, 2] (ids only before v3)
            "00" +                  // leader recovery state
            "00000007" +            // partition epoch
            "00 00 00");            // partition, topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 2, true));
        Assert.Equal(-1L, Decode<AlterPartitionRequest>(expected, 2, true).Topics[0].Partitions[0].NewIsrWithEpochs[1].BrokerEpoch);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var expected = Hex(
            "00000001 000000000000000A" + // broker id, broker epoch
            "02" + SampleIdHex + "02" +   // topics: 1 by id, partitions: 1
            "00000000 00000005" +         // partition 0, leader epoch 5
            "03" +                        // new ISR with epochs: 2
            "00000001 000000000000000A 00" + // broker 1 at epoch 10, tags
            "00000002 000000000000000C 00" + // broker 2 at epoch 12, tags
            "00 00000007" +               // leader recovery state, partition epoch
            "00 00 00");                  // partition, topic and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 3, true));
        Assert.Equal(12L, Decode<AlterPartitionRequest>(expected, 3, true).Topics[0].Partitions[0].NewIsrWithEpochs[1].BrokerEpoch);
    }

    [Fact]
    public void ResponseGoldenBytesAreTheSameInV2AndV3()
    {
        var expected = Hex(
            "00000000 0000" +       // throttle time, error code
            "02" + SampleIdHex +    // topics: 1, by id
            "02" +                  // partitions: 1
            "00000000 0000" +       // partition 0, error 0
            "00000001 00000005" +   // leader 1, leader epoch 5
            "03 00000001 00000002" + // ISR [1, 2]
            "01" +                  // recovering from an unclean election
            "00000008" +            // partition epoch 8
            "00 00 00");            // partition, topic and response tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 2, true));
        Assert.Equal(expected, CodecTestHelper.Encode(SampleResponse(), 3, true));
        Assert.Equal([1, 2], Decode<AlterPartitionResponse>(expected, 3, true).Topics[0].Partitions[0].Isr);
    }
}
