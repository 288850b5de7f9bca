using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ConsumerGroupDescribeCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(ConsumerGroupDescribeRequest.Api);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new ConsumerGroupDescribeRequest { GroupIds = ["a", "b"], IncludeAuthorizedOperations = true }, version, flexible: true);
        Assert.Equal(["a", "b"], back.GroupIds);
        Assert.True(back.IncludeAuthorizedOperations);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var member = new ConsumerGroupDescribeResponse.Member
        {
            MemberId = "m1",
            InstanceId = "i1",
            RackId = "r1",
            MemberEpoch = 5,
            ClientId = "client",
            ClientHost = "/10.0.0.1",
            SubscribedTopicNames = ["orders"],
            SubscribedTopicRegex = "ord.*",
            Assignment = new() { TopicPartitions = [new() { TopicId = SampleId, TopicName = "orders", Partitions = [0] }] },
            TargetAssignment = new() { TopicPartitions = [new() { TopicId = SampleId, TopicName = "orders", Partitions = [0, 1] }] },
            MemberType = ConsumerGroupDescribeResponse.Member.MemberTypeConsumer,
        };
        var response = new ConsumerGroupDescribeResponse
        {
            ThrottleTimeMs = 2,
            Groups =
            [
                new() { GroupId = "a", GroupState = "Stable", GroupEpoch = 5, AssignmentEpoch = 5, AssignorName = "uniform", Members = [member], AuthorizedOperations = 8 },
                new() { GroupId = "b", ErrorCode = 69, ErrorMessage = "no such group" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, flexible: true);

        Assert.Equal(2, back.ThrottleTimeMs);
        var g = back.Groups[0];
        Assert.Equal(("a", "Stable", 5, 5, "uniform", 8), (g.GroupId, g.GroupState, g.GroupEpoch, g.AssignmentEpoch, g.AssignorName, g.AuthorizedOperations));
        var m = Assert.Single(g.Members);
        Assert.Equal(("m1", "i1", "r1", 5, "client", "/10.0.0.1", "ord.*"),
            (m.MemberId, m.InstanceId, m.RackId, m.MemberEpoch, m.ClientId, m.ClientHost, m.SubscribedTopicRegex));
        Assert.Equal(["orders"], m.SubscribedTopicNames);
        var owned = Assert.Single(m.Assignment.TopicPartitions);
        Assert.Equal((SampleId, "orders"), (owned.TopicId, owned.TopicName));
        Assert.Equal([0], owned.Partitions);
        Assert.Equal([0, 1], m.TargetAssignment.TopicPartitions[0].Partitions);
        Assert.Equal(version >= 1 ? (sbyte)1 : (sbyte)-1, m.MemberType);
        var failed = back.Groups[1];
        Assert.Equal(("b", (short)69, "no such group"), (failed.GroupId, failed.ErrorCode, failed.ErrorMessage));
        Assert.Equal(ConsumerGroupDescribeResponse.AuthorizedOperationsOmitted, failed.AuthorizedOperations);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex("02 02 67 01 00");               // ["g"], include authorized operations, tags
        Assert.Equal(expected, CodecTestHelper.Encode(new ConsumerGroupDescribeRequest { GroupIds = ["g"], IncludeAuthorizedOperations = true }, 0, true));
        Assert.Equal(["g"], Decode<ConsumerGroupDescribeRequest>(expected, 0, true).GroupIds);
    }

    [Fact]
    public void ResponseV0AndV1GoldenBytes()
    {
        var response = new ConsumerGroupDescribeResponse
        {
            Groups =
            [
                new()
                {
                    GroupId = "g",
                    GroupState = "Stable",
                    GroupEpoch = 2,
                    AssignmentEpoch = 2,
                    AssignorName = "uniform",
                    Members =
                    [
                        new()
                        {
                            MemberId = "m",
                            MemberEpoch = 2,
                            ClientId = "c",
                            ClientHost = "h",
                            SubscribedTopicNames = ["t"],
                            Assignment = new() { TopicPartitions = [new() { TopicId = SampleId, TopicName = "t", Partitions = [0] }] },
                            MemberType = ConsumerGroupDescribeResponse.Member.MemberTypeConsumer,
                        },
                    ],
                },
            ],
        };
        string Bytes(string memberType) =>
            "00000000" +                    // throttle
            "02" +                          // 1 group
            "0000 00" +                     // error, message null
            "02 67" +                       // "g"
            "07 537461626C65" +             // "Stable"
            "00000002 00000002" +           // group epoch, assignment epoch
            "08 756E69666F726D" +           // "uniform"
            "02" +                          // 1 member
            "02 6D 00 00" +                 // "m", instance null, rack null
            "00000002" +                    // member epoch
            "02 63 02 68" +                 // client id, host
            "02 02 74" +                    // subscribed ["t"]
            "00" +                          // regex null
            "02" + SampleIdHex + "02 74 02 00000000 00 00" + // assignment: 1 topic (id, "t", [0], tags), tags
            "01 00" +                       // target assignment: no topics, tags
            memberType +                    // member type (v1+)
            "00" +                          // member tags
            "80000000" +                    // authorized operations omitted
            "00 00";                        // group, response tags
        var v0 = Hex(Bytes(""));
        var v1 = Hex(Bytes("01"));
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal(v1, CodecTestHelper.Encode(response, 1, true));
        Assert.Equal((sbyte)-1, Decode<ConsumerGroupDescribeResponse>(v0, 0, true).Groups[0].Members[0].MemberType);
        Assert.Equal((sbyte)1, Decode<ConsumerGroupDescribeResponse>(v1, 1, true).Groups[0].Members[0].MemberType);
    }
}
