using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeConfigsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeConfigsRequest.Api);
    private static bool Flexible(short version) => DescribeConfigsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DescribeConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = DescribeConfigsRequest.ResourceTypeTopic, ResourceName = "orders", ConfigurationKeys = ["retention.ms", "cleanup.policy"] },
                new() { ResourceType = DescribeConfigsRequest.ResourceTypeBroker, ResourceName = "1", ConfigurationKeys = null },
            ],
            IncludeSynonyms = true,
            IncludeDocumentation = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(version >= 1, back.IncludeSynonyms);
        Assert.Equal(version >= 3, back.IncludeDocumentation);
        Assert.Equal(2, back.Resources.Count);
        Assert.Equal(((sbyte)2, "orders"), (back.Resources[0].ResourceType, back.Resources[0].ResourceName));
        Assert.Equal(["retention.ms", "cleanup.policy"], back.Resources[0].ConfigurationKeys!);
        Assert.Equal(((sbyte)4, "1"), (back.Resources[1].ResourceType, back.Resources[1].ResourceName));
        Assert.Null(back.Resources[1].ConfigurationKeys);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeConfigsResponse
        {
            ThrottleTimeMs = 7,
            Results =
            [
                new()
                {
                    ResourceType = DescribeConfigsRequest.ResourceTypeTopic, ResourceName = "orders",
                    Configs =
                    [
                        new()
                        {
                            Name = "retention.ms", Value = "1000", ConfigSource = DescribeConfigsResponse.SourceTopicConfig,
                            Synonyms =
                            [
                                new() { Name = "retention.ms", Value = "1000", Source = DescribeConfigsResponse.SourceTopicConfig },
                                new() { Name = "log.retention.ms", Value = null, Source = DescribeConfigsResponse.SourceDefaultConfig },
                            ],
                            ConfigType = DescribeConfigsResponse.TypeLong, Documentation = "how long to keep",
                        },
                        new()
                        {
                            Name = "sasl.password", Value = null, ReadOnly = true, IsSensitive = true,
                            ConfigSource = DescribeConfigsResponse.SourceDefaultConfig, ConfigType = DescribeConfigsResponse.TypePassword,
                        },
                    ],
                },
                new() { ErrorCode = 3, ErrorMessage = "unknown topic", ResourceType = 2, ResourceName = "gone" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(7, back.ThrottleTimeMs);
        Assert.Equal(2, back.Results.Count);
        var orders = back.Results[0];
        Assert.Equal(((short)0, (string?)null, (sbyte)2, "orders"), (orders.ErrorCode, orders.ErrorMessage, orders.ResourceType, orders.ResourceName));
        Assert.Equal(2, orders.Configs.Count);

        var retention = orders.Configs[0];
        Assert.Equal(("retention.ms", "1000", false, false), (retention.Name, retention.Value, retention.ReadOnly, retention.IsSensitive));
        // v0 only says "not default": the topic source is lost and reads back as unknown.
        Assert.Equal(version >= 1 ? DescribeConfigsResponse.SourceTopicConfig : (sbyte)-1, retention.ConfigSource);
        Assert.False(retention.IsDefault);
        if (version >= 1)
        {
            Assert.Equal(
                [("retention.ms", (string?)"1000", (sbyte)1), ("log.retention.ms", null, (sbyte)5)],
                retention.Synonyms.Select(s => (s.Name, s.Value, s.Source)));
        }
        else
        {
            Assert.Empty(retention.Synonyms);
        }
        Assert.Equal(version >= 3 ? DescribeConfigsResponse.TypeLong : (sbyte)0, retention.ConfigType);
        Assert.Equal(version >= 3 ? "how long to keep" : null, retention.Documentation);

        var password = orders.Configs[1];
        Assert.Equal(("sasl.password", (string?)null, true, true), (password.Name, password.Value, password.ReadOnly, password.IsSensitive));
        Assert.Equal(DescribeConfigsResponse.SourceDefaultConfig, password.ConfigSource);
        Assert.True(password.IsDefault);
        Assert.Equal(version >= 3 ? DescribeConfigsResponse.TypePassword : (sbyte)0, password.ConfigType);

        var gone = back.Results[1];
        Assert.Equal(((short)3, "unknown topic", "gone"), (gone.ErrorCode, gone.ErrorMessage, gone.ResourceName));
        Assert.Empty(gone.Configs);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new DescribeConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "t", ConfigurationKeys = null }] };
        var expected = Hex(
            "00000001" +        // resources: 1
            "02 0001 74" +      // topic "t"
            "FFFFFFFF");        // all keys (null); no IncludeSynonyms in v0
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        Assert.Null(Decode<DescribeConfigsRequest>(expected, 0, false).Resources[0].ConfigurationKeys);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = 4, ResourceName = "1", ConfigurationKeys = ["k"] }],
            IncludeSynonyms = true,
        };
        var expected = Hex(
            "02" +              // resources: 1
            "04 02 31" +        // broker "1"
            "02 02 6B" +        // keys: ["k"]
            "00" +              // resource tags
            "01 00" +           // IncludeSynonyms, IncludeDocumentation
            "00");              // tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, true));
        var back = Decode<DescribeConfigsRequest>(expected, 4, true);
        Assert.Equal(["k"], back.Resources[0].ConfigurationKeys!);
        Assert.True(back.IncludeSynonyms);
    }

    [Fact]
    public void ResponseV0GoldenBytesCarriesIsDefault()
    {
        var response = new DescribeConfigsResponse
        {
            Results = [new() { ResourceType = 2, ResourceName = "t", Configs = [new() { Name = "k", Value = "v", ConfigSource = DescribeConfigsResponse.SourceDefaultConfig }] }],
        };
        var expected = Hex(
            "00000000" +            // throttle
            "00000001" +            // results: 1
            "0000 FFFF" +           // no error, null message
            "02 0001 74" +          // topic "t"
            "00000001" +            // configs: 1
            "0001 6B 0001 76" +     // k = v
            "00 01 00");            // not read-only, IsDefault, not sensitive
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        var config = Decode<DescribeConfigsResponse>(expected, 0, false).Results[0].Configs[0];
        Assert.True(config.IsDefault);
        Assert.Equal(DescribeConfigsResponse.SourceDefaultConfig, config.ConfigSource);
    }

    [Fact]
    public void ResponseV4GoldenBytes()
    {
        var response = new DescribeConfigsResponse
        {
            Results =
            [
                new()
                {
                    ResourceType = 2, ResourceName = "t",
                    Configs =
                    [
                        new()
                        {
                            Name = "k", Value = "v", ConfigSource = 5, ConfigType = DescribeConfigsResponse.TypeInt,
                            Synonyms = [new() { Name = "k", Value = null, Source = 5 }],
                        },
                    ],
                },
            ],
        };
        var expected = Hex(
            "00000000" +            // throttle
            "02" +                  // results: 1
            "0000 00" +             // no error, null message
            "02 02 74" +            // topic "t"
            "02" +                  // configs: 1
            "02 6B 02 76" +         // k = v
            "00 05 00" +            // not read-only, source DEFAULT_CONFIG, not sensitive
            "02 02 6B 00 05 00" +   // synonyms: k, null value, source 5, tags
            "03 00" +               // type INT, documentation null
            "00 00 00");            // config, result, response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 4, true));
        var config = Decode<DescribeConfigsResponse>(expected, 4, true).Results[0].Configs[0];
        Assert.Equal(DescribeConfigsResponse.TypeInt, config.ConfigType);
        Assert.Null(config.Synonyms[0].Value);
    }
}
