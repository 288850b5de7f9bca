using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeClusterCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeClusterRequest.Api);

    [Fact]
    public void EveryVersionIsFlexible()
    {
        foreach (var version in new short[] { 0, 1, 2 }) Assert.True(DescribeClusterRequest.Api.IsFlexible(version));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DescribeClusterRequest
        {
            IncludeClusterAuthorizedOperations = true,
            EndpointType = DescribeClusterRequest.EndpointTypeControllers,
            IncludeFencedBrokers = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, true);

        Assert.True(back.IncludeClusterAuthorizedOperations);
        Assert.Equal(version >= 1 ? (sbyte)2 : (sbyte)1, back.EndpointType);
        Assert.Equal(version >= 2, back.IncludeFencedBrokers);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeClusterResponse
        {
            ThrottleTimeMs = 4,
            ErrorCode = 0,
            ErrorMessage = "fine",
            EndpointType = 2,
            ClusterId = "cluster-x",
            ControllerId = 3,
            Brokers =
            [
                new() { BrokerId = 1, Host = "b1", Port = 9092, Rack = "r1", IsFenced = false },
                new() { BrokerId = 2, Host = "b2", Port = 9093, Rack = null, IsFenced = true },
            ],
            ClusterAuthorizedOperations = 0x1234,
        };

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(4, back.ThrottleTimeMs);
        Assert.Equal((short)0, back.ErrorCode);
        Assert.Equal("fine", back.ErrorMessage);
        Assert.Equal(version >= 1 ? (sbyte)2 : (sbyte)1, back.EndpointType);
        Assert.Equal("cluster-x", back.ClusterId);
        Assert.Equal(3, back.ControllerId);
        Assert.Equal(0x1234, back.ClusterAuthorizedOperations);
        Assert.Equal(2, back.Brokers.Count);
        var b1 = back.Brokers[0];
        Assert.Equal((1, "b1", 9092, "r1", false), (b1.BrokerId, b1.Host, b1.Port, b1.Rack, b1.IsFenced));
        var b2 = back.Brokers[1];
        Assert.Equal((2, "b2", 9093, (string?)null, version >= 2), (b2.BrokerId, b2.Host, b2.Port, b2.Rack, b2.IsFenced));
    }

    [Fact]
    public void DefaultsMatchSpec()
    {
        var response = new DescribeClusterResponse();
        Assert.Equal(-1, response.ControllerId);
        Assert.Equal(int.MinValue, response.ClusterAuthorizedOperations);
        Assert.Equal((sbyte)1, response.EndpointType);
        Assert.Equal((sbyte)1, new DescribeClusterRequest().EndpointType);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var request = new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true, IncludeFencedBrokers = true };
        var expected = Hex("01 01 01 00"); // authorized ops, endpoint type 1, fenced brokers, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 2, true));
        Assert.True(Decode<DescribeClusterRequest>(expected, 2, true).IncludeFencedBrokers);
        Assert.Equal(Hex("00 00"), CodecTestHelper.Encode(new DescribeClusterRequest(), 0, true));
    }

    [Fact]
    public void ResponseV2GoldenBytes()
    {
        var response = new DescribeClusterResponse
        {
            ClusterId = "c1",
            ControllerId = 1,
            Brokers = [new() { BrokerId = 1, Host = "h", Port = 9092, IsFenced = true }],
        };
        var expected = Hex(
            "00000000 0000 00" +               // throttle, error, message null
            "01" +                             // endpoint type 1
            "03 6331 00000001" +               // cluster id "c1", controller 1
            "02 00000001 02 68 00002384 00 01 00" + // broker 1 "h":9092, rack null, fenced, tags
            "80000000" +                       // authorized ops omitted
            "00");                             // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 2, true));
        var back = Decode<DescribeClusterResponse>(expected, 2, true);
        Assert.True(back.Brokers[0].IsFenced);
        Assert.Equal("c1", back.ClusterId);
    }
    [Fact]
    public void ControllerEndpointsV1GoldenBytes()
    {
        // KIP-919: an admin client asks for the controllers (EndpointType 2) and the answer echoes the type.
        var request = new DescribeClusterRequest { EndpointType = DescribeClusterRequest.EndpointTypeControllers };
        var expectedRequest = Hex("00 02 00"); // no authorized ops, endpoint type 2, tags; no fenced-brokers flag before v2
        Assert.Equal(expectedRequest, CodecTestHelper.Encode(request, 1, true));
        Assert.Equal(DescribeClusterRequest.EndpointTypeControllers, Decode<DescribeClusterRequest>(expectedRequest, 1, true).EndpointType);

        var response = new DescribeClusterResponse
        {
            EndpointType = DescribeClusterRequest.EndpointTypeControllers,
            ClusterId = "c1",
            ControllerId = 3000,
            Brokers = [new() { BrokerId = 3000, Host = "h", Port = 9093, IsFenced = true }],
        };
        var expected = Hex(
            "00000000 0000 00" +    // throttle, error, message null
            "02" +                  // endpoint type 2: the entries are controllers
            "03 6331 00000BB8" +    // cluster id "c1", active controller 3000
            "02 00000BB8 02 68 00002385 00 00" + // controller 3000 at "h":9093, rack null, tags (no IsFenced before v2)
            "80000000 00");         // authorized ops omitted, tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, true));
        var back = Decode<DescribeClusterResponse>(expected, 1, true);
        Assert.Equal(DescribeClusterRequest.EndpointTypeControllers, back.EndpointType);
        Assert.Equal(3000, Assert.Single(back.Brokers).BrokerId);
        Assert.False(back.Brokers[0].IsFenced);

        // v0 has no endpoint type: it is not written and reads back as brokers.
        var v0 = CodecTestHelper.Encode(response, 0, true);
        Assert.Equal(expected.Length - 1, v0.Length);
        Assert.Equal(DescribeClusterRequest.EndpointTypeBrokers, Decode<DescribeClusterResponse>(v0, 0, true).EndpointType);
    }
}
