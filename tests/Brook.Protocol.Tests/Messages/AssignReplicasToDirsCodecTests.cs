using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AssignReplicasToDirsCodecTests
{
    private static readonly Uuid Dir = new(0, 1);
    private static readonly Uuid Topic = new(0, 2);

    [Fact]
    public void OnlyV0FlexibleFromTheStart()
    {
        Assert.Equal((0, 0), (AssignReplicasToDirsRequest.Api.MinVersion, AssignReplicasToDirsRequest.Api.MaxVersion));
        Assert.True(AssignReplicasToDirsRequest.Api.IsFlexible(0));
        Assert.Equal(73, (int)AssignReplicasToDirsRequest.Api.Key);
    }

    [Fact]
    public void RequestGoldenBytesAndRoundTrip()
    {
        var request = new AssignReplicasToDirsRequest
        {
            BrokerId = 2,
            BrokerEpoch = 5,
            Directories = [new() { Id = Dir, Topics = [new() { TopicId = Topic, Partitions = [0, 1] }] }],
        };
        var expected = Hex(
            "00000002 0000000000000005 " +      // broker id, broker epoch
            "02 00000000000000000000000000000001 " + // one directory: its id
            "02 00000000000000000000000000000002 " + // one topic: its id
            "03 00000000 00 00000001 00 " +     // partitions 0 and 1, each with empty tags
            "00 00 00");                        // topic, directory and request tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        var back = Decode<AssignReplicasToDirsRequest>(expected, 0, true);
        Assert.Equal((2, 5L), (back.BrokerId, back.BrokerEpoch));
        Assert.Equal(Dir, back.Directories[0].Id);
        Assert.Equal(Topic, back.Directories[0].Topics[0].TopicId);
        Assert.Equal([0, 1], back.Directories[0].Topics[0].Partitions);
    }

    [Fact]
    public void ResponseGoldenBytesAndRoundTrip()
    {
        var response = new AssignReplicasToDirsResponse
        {
            ErrorCode = 0,
            Directories = [new() { Id = Dir, Topics = [new() { TopicId = Topic, Partitions = [new() { PartitionIndex = 3, ErrorCode = 3 }] }] }],
        };
        var expected = Hex(
            "00000000 0000 " +
            "02 00000000000000000000000000000001 " +
            "02 00000000000000000000000000000002 " +
            "02 00000003 0003 00 " +            // partition 3: UNKNOWN_TOPIC_OR_PARTITION
            "00 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        var back = CodecTestHelper.RoundTrip(response, 0, true);
        Assert.Equal((3, (short)3), (back.Directories[0].Topics[0].Partitions[0].PartitionIndex, back.Directories[0].Topics[0].Partitions[0].ErrorCode));
    }
}
