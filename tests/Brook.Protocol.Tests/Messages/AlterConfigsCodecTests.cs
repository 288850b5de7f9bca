using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AlterConfigsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AlterConfigsRequest.Api);
    private static bool Flexible(short version) => AlterConfigsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new AlterConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = 2, ResourceName = "orders", Configs = [new() { Name = "retention.ms", Value = "1000" }, new() { Name = "cleanup.policy", Value = null }] },
                new() { ResourceType = 4, ResourceName = "1" },
            ],
            ValidateOnly = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.True(back.ValidateOnly);
        Assert.Equal(2, back.Resources.Count);
        Assert.Equal(((sbyte)2, "orders"), (back.Resources[0].ResourceType, back.Resources[0].ResourceName));
        Assert.Equal([("retention.ms", (string?)"1000"), ("cleanup.policy", null)], back.Resources[0].Configs.Select(c => (c.Name, c.Value)));
        Assert.Equal(((sbyte)4, "1"), (back.Resources[1].ResourceType, back.Resources[1].ResourceName));
        Assert.Empty(back.Resources[1].Configs);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new AlterConfigsResponse
        {
            ThrottleTimeMs = 9,
            Responses =
            [
                new() { ResourceType = 2, ResourceName = "orders" },
                new() { ErrorCode = 40, ErrorMessage = "invalid config", ResourceType = 4, ResourceName = "1" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(9, back.ThrottleTimeMs);
        Assert.Equal(
            [((short)0, (string?)null, (sbyte)2, "orders"), ((short)40, "invalid config", (sbyte)4, "1")],
            back.Responses.Select(r => (r.ErrorCode, r.ErrorMessage, r.ResourceType, r.ResourceName)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new AlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = "t", Configs = [new() { Name = "k", Value = "v" }] }],
            ValidateOnly = true,
        };
        var expected = Hex(
            "00000001" +            // resources: 1
            "02 0001 74" +          // topic "t"
            "00000001 0001 6B 0001 76" + // configs: k = v
            "01");                  // ValidateOnly
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Equal("v", Decode<AlterConfigsRequest>(expected, 0, false).Resources[0].Configs[0].Value);
    }

    [Fact]
    public void RequestV2GoldenBytes()
    {
        var request = new AlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = "t", Configs = [new() { Name = "k", Value = "v" }] }],
            ValidateOnly = true,
        };
        var expected = Hex(
            "02" +                  // resources: 1
            "02 02 74" +            // topic "t"
            "02 02 6B 02 76 00" +   // configs: k = v, tags
            "00" +                  // resource tags
            "01 00");               // ValidateOnly, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 2, true));
        Assert.Equal("k", Decode<AlterConfigsRequest>(expected, 2, true).Resources[0].Configs[0].Name);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new AlterConfigsResponse { ThrottleTimeMs = 5, Responses = [new() { ResourceType = 2, ResourceName = "t" }] };
        var v0 = Hex("00000005 00000001 0000 FFFF 02 0001 74");
        var v2 = Hex("00000005 02 0000 00 02 02 74 00 00");
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v2, CodecTestHelper.Encode(response, 2, true));
        Assert.Equal("t", Decode<AlterConfigsResponse>(v2, 2, true).Responses[0].ResourceName);
    }
}
