using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class IncrementalAlterConfigsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(IncrementalAlterConfigsRequest.Api);
    private static bool Flexible(short version) => IncrementalAlterConfigsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = 2, ResourceName = "orders",
                    Configs =
                    [
                        new() { Name = "retention.ms", ConfigOperation = IncrementalAlterConfigsRequest.OperationSet, Value = "1000" },
                        new() { Name = "cleanup.policy", ConfigOperation = IncrementalAlterConfigsRequest.OperationDelete, Value = null },
                        new() { Name = "leader.replication.throttled.replicas", ConfigOperation = IncrementalAlterConfigsRequest.OperationAppend, Value = "0:1" },
                    ],
                },
            ],
            ValidateOnly = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.True(back.ValidateOnly);
        var resource = Assert.Single(back.Resources);
        Assert.Equal(((sbyte)2, "orders"), (resource.ResourceType, resource.ResourceName));
        Assert.Equal(
            [("retention.ms", (sbyte)0, (string?)"1000"), ("cleanup.policy", (sbyte)1, null), ("leader.replication.throttled.replicas", (sbyte)2, "0:1")],
            resource.Configs.Select(c => (c.Name, c.ConfigOperation, c.Value)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new IncrementalAlterConfigsResponse
        {
            ThrottleTimeMs = 3,
            Responses = [new() { ResourceType = 2, ResourceName = "orders" }, new() { ErrorCode = 44, ErrorMessage = "no", ResourceType = 4, ResourceName = "1" }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(3, back.ThrottleTimeMs);
        Assert.Equal(
            [((short)0, (string?)null, (sbyte)2, "orders"), ((short)44, "no", (sbyte)4, "1")],
            back.Responses.Select(r => (r.ErrorCode, r.ErrorMessage, r.ResourceType, r.ResourceName)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new IncrementalAlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = "t", Configs = [new() { Name = "k", ConfigOperation = 1, Value = null }] }],
        };
        var expected = Hex(
            "00000001" +            // resources: 1
            "02 0001 74" +          // topic "t"
            "00000001 0001 6B" +    // configs: k
            "01 FFFF" +             // DELETE, null value
            "00");                  // ValidateOnly false
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal((sbyte)1, Decode<IncrementalAlterConfigsRequest>(expected, 0, false).Resources[0].Configs[0].ConfigOperation);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new IncrementalAlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = "t", Configs = [new() { Name = "k", ConfigOperation = 0, Value = "v" }] }],
        };
        var expected = Hex(
            "02" +                  // resources: 1
            "02 02 74" +            // topic "t"
            "02 02 6B 00 02 76 00" + // configs: k, SET, "v", tags
            "00" +                  // resource tags
            "00 00");               // ValidateOnly false, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, true));
        Assert.Equal("v", Decode<IncrementalAlterConfigsRequest>(expected, 1, true).Resources[0].Configs[0].Value);
    }

    [Fact]
    public void ResponseV1GoldenBytes()
    {
        var response = new IncrementalAlterConfigsResponse { Responses = [new() { ErrorCode = 44, ErrorMessage = "x", ResourceType = 2, ResourceName = "t" }] };
        var expected = Hex("00000000 02 002C 02 78 02 02 74 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, true));
        Assert.Equal("x", Decode<IncrementalAlterConfigsResponse>(expected, 1, true).Responses[0].ErrorMessage);
    }
}
