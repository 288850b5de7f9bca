using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class WriteTxnMarkersCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(WriteTxnMarkersRequest.Api);
    private static bool Flexible(short version) => WriteTxnMarkersRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new WriteTxnMarkersRequest
        {
            Markers =
            [
                new()
                {
                    ProducerId = 11, ProducerEpoch = 2, TransactionResult = true, CoordinatorEpoch = 5,
                    Topics = [new() { Name = "orders", PartitionIndexes = [0, 1] }, new() { Name = "__consumer_offsets", PartitionIndexes = [17] }],
                },
                new() { ProducerId = 12, ProducerEpoch = 0, TransactionResult = false, CoordinatorEpoch = 5 },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal([(11L, (short)2, true, 5), (12L, (short)0, false, 5)],
            back.Markers.Select(m => (m.ProducerId, m.ProducerEpoch, m.TransactionResult, m.CoordinatorEpoch)));
        Assert.Equal(["orders", "__consumer_offsets"], back.Markers[0].Topics.Select(t => t.Name));
        Assert.Equal([0, 1], back.Markers[0].Topics[0].PartitionIndexes);
        Assert.Equal([17], back.Markers[0].Topics[1].PartitionIndexes);
        Assert.Empty(back.Markers[1].Topics);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new WriteTxnMarkersResponse
        {
            Markers =
            [
                new() { ProducerId = 11, Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 1, ErrorCode = 6 }] }] },
                new() { ProducerId = 12 },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal([11L, 12L], back.Markers.Select(m => m.ProducerId));
        var topic = Assert.Single(back.Markers[0].Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([(0, (short)0), (1, (short)6)], topic.Partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));
        Assert.Empty(back.Markers[1].Topics);
    }

    private static WriteTxnMarkersRequest SampleRequest() => new()
    {
        Markers = [new() { ProducerId = 1000, ProducerEpoch = 1, TransactionResult = true, CoordinatorEpoch = 7, Topics = [new() { Name = "t", PartitionIndexes = [0] }] }],
    };

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "00000001" +                // markers: 1
            "00000000000003E8 0001 01" + // producer 1000, epoch 1, COMMIT
            "00000001 0001 74 00000001 00000000" + // topics: "t" [0]
            "00000007");                // coordinator epoch
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, false));
        Assert.Equal(7, Decode<WriteTxnMarkersRequest>(expected, 0, false).Markers[0].CoordinatorEpoch);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var expected = Hex(
            "02" +                      // markers: 1
            "00000000000003E8 0001 01" + // producer 1000, epoch 1, COMMIT
            "02 02 74 02 00000000 00" + // topics: "t" [0], tags
            "00000007 00" +             // coordinator epoch, marker tags
            "00");                      // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 1, true));
        Assert.True(Decode<WriteTxnMarkersRequest>(expected, 1, true).Markers[0].TransactionResult);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new WriteTxnMarkersResponse
        {
            Markers = [new() { ProducerId = 1000, Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0 }] }] }],
        };
        var v0 = Hex("00000001 00000000000003E8 00000001 0001 74 00000001 00000000 0000"); // no throttle time in this API
        var v1 = Hex("02 00000000000003E8 02 02 74 02 00000000 0000 00 00 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v1, CodecTestHelper.Encode(response, 1, true));
        Assert.Equal(1000L, Decode<WriteTxnMarkersResponse>(v1, 1, true).Markers[0].ProducerId);
    }
}
