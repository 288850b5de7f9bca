using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ConsumerGroupHeartbeatCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(ConsumerGroupHeartbeatRequest.Api);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new ConsumerGroupHeartbeatRequest
        {
            GroupId = "group",
            MemberId = "member-uuid",
            MemberEpoch = 3,
            InstanceId = "i1",
            RackId = "rack-a",
            RebalanceTimeoutMs = 45000,
            SubscribedTopicNames = ["orders", "payments"],
            SubscribedTopicRegex = "ord.*",
            ServerAssignor = "uniform",
            TopicPartitions = [new() { TopicId = SampleId, Partitions = [0, 2] }],
        };

        var back = CodecTestHelper.RoundTrip(request, version, flexible: true);

        Assert.Equal(("group", "member-uuid", 3), (back.GroupId, back.MemberId, back.MemberEpoch));
        Assert.Equal(("i1", "rack-a", 45000, "uniform"), (back.InstanceId, back.RackId, back.RebalanceTimeoutMs, back.ServerAssignor));
        Assert.Equal(["orders", "payments"], back.SubscribedTopicNames!);
        Assert.Equal(version >= 1 ? "ord.*" : null, back.SubscribedTopicRegex);
        var owned = Assert.Single(back.TopicPartitions!);
        Assert.Equal(SampleId, owned.TopicId);
        Assert.Equal([0, 2], owned.Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void UnchangedFieldsStayNull(short version)
    {
        var back = CodecTestHelper.RoundTrip(new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "m", MemberEpoch = 7 }, version, flexible: true);

        Assert.Null(back.InstanceId);
        Assert.Null(back.RackId);
        Assert.Equal(-1, back.RebalanceTimeoutMs);
        Assert.Null(back.SubscribedTopicNames);
        Assert.Null(back.SubscribedTopicRegex);
        Assert.Null(back.ServerAssignor);
        Assert.Null(back.TopicPartitions);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new ConsumerGroupHeartbeatResponse
        {
            ThrottleTimeMs = 1,
            ErrorCode = 0,
            MemberId = "member-uuid",
            MemberEpoch = 4,
            HeartbeatIntervalMs = 5000,
            Assignment = new() { TopicPartitions = [new() { TopicId = SampleId, Partitions = [1] }] },
        };

        var back = CodecTestHelper.RoundTrip(response, version, flexible: true);

        Assert.Equal((1, (short)0, (string?)null, "member-uuid", 4, 5000),
            (back.ThrottleTimeMs, back.ErrorCode, back.ErrorMessage, back.MemberId, back.MemberEpoch, back.HeartbeatIntervalMs));
        var topic = Assert.Single(back.Assignment!.TopicPartitions);
        Assert.Equal(SampleId, topic.TopicId);
        Assert.Equal([1], topic.Partitions);

        var failed = CodecTestHelper.RoundTrip(new ConsumerGroupHeartbeatResponse { ErrorCode = 110, ErrorMessage = "fenced" }, version, flexible: true);
        Assert.Equal(((short)110, "fenced"), (failed.ErrorCode, failed.ErrorMessage));
        Assert.Null(failed.Assignment);
        Assert.Null(failed.MemberId);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new ConsumerGroupHeartbeatRequest
        {
            GroupId = "g",
            MemberId = "m",
            RebalanceTimeoutMs = 30000,
            SubscribedTopicNames = ["t"],
            TopicPartitions = [],
        };
        var expected = Hex(
            "02 67" +               // group
            "02 6D" +               // member id
            "00000000" +            // epoch 0: join
            "00 00" +               // instance id, rack id null
            "00007530" +            // rebalance timeout 30000
            "02 02 74" +            // subscribed ["t"]
            "00" +                  // server assignor null
            "01" +                  // owned partitions: empty (not null)
            "00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        var back = Decode<ConsumerGroupHeartbeatRequest>(expected, 0, true);
        Assert.Equal(["t"], back.SubscribedTopicNames!);
        Assert.Empty(back.TopicPartitions!);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "m", MemberEpoch = ConsumerGroupHeartbeatRequest.LeaveEpoch, SubscribedTopicRegex = "t.*" };
        var expected = Hex(
            "02 67 02 6D" +
            "FFFFFFFF" +            // epoch -1: leave
            "00 00" +
            "FFFFFFFF" +            // rebalance timeout unchanged
            "00" +                  // subscribed names null
            "04 742E2A" +           // regex "t.*" (v1+)
            "00 00" +               // server assignor, owned partitions null
            "00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, true));
        Assert.Equal("t.*", Decode<ConsumerGroupHeartbeatRequest>(expected, 1, true).SubscribedTopicRegex);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new ConsumerGroupHeartbeatResponse
        {
            MemberId = "m",
            MemberEpoch = 1,
            HeartbeatIntervalMs = 5000,
            Assignment = new() { TopicPartitions = [new() { TopicId = SampleId, Partitions = [0, 1] }] },
        };
        var expected = Hex(
            "00000000 0000" +       // throttle, error
            "00" +                  // error message null
            "02 6D" +               // member id
            "00000001" +            // member epoch
            "00001388" +            // heartbeat interval 5000
            "01" +                  // assignment present
            "02" + SampleIdHex +    // 1 topic, its id
            "03 00000000 00000001" +// partitions [0, 1]
            "00 00" +               // topic, assignment tags
            "00");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal([0, 1], Decode<ConsumerGroupHeartbeatResponse>(expected, 0, true).Assignment!.TopicPartitions[0].Partitions);

        var unchanged = Hex("00000000 0000 00 00 00000001 00001388 FF 00"); // member id null, assignment null
        Assert.Equal(unchanged, CodecTestHelper.Encode(new ConsumerGroupHeartbeatResponse { MemberEpoch = 1, HeartbeatIntervalMs = 5000 }, 1, true));
        Assert.Null(Decode<ConsumerGroupHeartbeatResponse>(unchanged, 1, true).Assignment);
    }
}
