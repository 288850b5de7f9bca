using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AlterReplicaLogDirsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AlterReplicaLogDirsRequest.Api);

    [Fact]
    public void Versions1To2FlexibleFrom2()
    {
        Assert.Equal((1, 2), (AlterReplicaLogDirsRequest.Api.MinVersion, AlterReplicaLogDirsRequest.Api.MaxVersion));
        Assert.False(AlterReplicaLogDirsRequest.Api.IsFlexible(1));
        Assert.True(AlterReplicaLogDirsRequest.Api.IsFlexible(2));
    }

    private static AlterReplicaLogDirsRequest Request() => new()
    {
        Dirs = [new() { Path = "/d", Topics = [new() { Name = "t", Partitions = [0, 2] }] }],
    };

    [Fact]
    public void RequestGoldenBytes()
    {
        // v1: int32 array count, int16-length strings.
        Assert.Equal(Hex("00000001 0002 2f64 00000001 0001 74 00000002 00000000 00000002"), CodecTestHelper.Encode(Request(), 1, false));
        // v2: compact arrays and strings, tags after each struct.
        Assert.Equal(Hex("02 03 2f64 02 02 74 03 00000000 00000002 00 00 00"), CodecTestHelper.Encode(Request(), 2, true));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(Request(), version, AlterReplicaLogDirsRequest.Api.IsFlexible(version));
        Assert.Equal("/d", back.Dirs[0].Path);
        Assert.Equal("t", back.Dirs[0].Topics[0].Name);
        Assert.Equal([0, 2], back.Dirs[0].Topics[0].Partitions);
    }

    [Fact]
    public void ResponseGoldenBytesAndRoundTrip()
    {
        var response = new AlterReplicaLogDirsResponse
        {
            Results = [new() { TopicName = "t", Partitions = [new() { PartitionIndex = 1, ErrorCode = 57 }] }],
        };
        var v2 = Hex("00000000 02 02 74 02 00000001 0039 00 00 00");
        Assert.Equal(v2, CodecTestHelper.Encode(response, 2, true));
        Assert.Equal(Hex("00000000 00000001 0001 74 00000001 00000001 0039"), CodecTestHelper.Encode(response, 1, false));
        var back = CodecTestHelper.RoundTrip(response, 2, true);
        Assert.Equal((1, (short)57), (back.Results[0].Partitions[0].PartitionIndex, back.Results[0].Partitions[0].ErrorCode));
    }
}
