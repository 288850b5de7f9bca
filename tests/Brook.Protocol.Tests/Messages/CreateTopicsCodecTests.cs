using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class CreateTopicsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(CreateTopicsRequest.Api);
    private static bool Flexible(short version) => CreateTopicsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new CreateTopicsRequest
        {
            Topics =
            [
                new()
                {
                    Name = "orders", NumPartitions = 6, ReplicationFactor = 3,
                    Configs = [new() { Name = "cleanup.policy", Value = "compact" }, new() { Name = "retention.ms", Value = null }],
                },
                new()
                {
                    Name = "manual", NumPartitions = -1, ReplicationFactor = -1,
                    Assignments = [new() { PartitionIndex = 0, BrokerIds = [1, 2] }, new() { PartitionIndex = 1, BrokerIds = [2, 3] }],
                },
            ],
            TimeoutMs = 30000,
            ValidateOnly = true,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(30000, back.TimeoutMs);
        Assert.Equal(version >= 1, back.ValidateOnly);
        Assert.Equal(2, back.Topics.Count);
        var orders = back.Topics[0];
        Assert.Equal(("orders", 6, (short)3), (orders.Name, orders.NumPartitions, orders.ReplicationFactor));
        Assert.Empty(orders.Assignments);
        Assert.Equal([("cleanup.policy", "compact"), ("retention.ms", (string?)null)], orders.Configs.Select(c => (c.Name, c.Value)));
        var manual = back.Topics[1];
        Assert.Equal(("manual", -1, (short)-1), (manual.Name, manual.NumPartitions, manual.ReplicationFactor));
        Assert.Equal([0, 1], manual.Assignments.Select(a => a.PartitionIndex));
        Assert.Equal([1, 2], manual.Assignments[0].BrokerIds);
        Assert.Equal([2, 3], manual.Assignments[1].BrokerIds);
        Assert.Empty(manual.Configs);
    }

    [Fact]
    public void RequestDefaultsMatchSpec()
    {
        var request = new CreateTopicsRequest();
        Assert.Equal(60000, request.TimeoutMs);
        Assert.False(request.ValidateOnly);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new CreateTopicsResponse
        {
            ThrottleTimeMs = 12,
            Topics =
            [
                new()
                {
                    Name = "orders", TopicId = SampleId, ErrorCode = 0, NumPartitions = 6, ReplicationFactor = 3,
                    Configs =
                    [
                        new() { Name = "cleanup.policy", Value = "compact", ReadOnly = false, ConfigSource = 1, IsSensitive = false },
                        new() { Name = "sasl.secret", Value = null, ReadOnly = true, ConfigSource = 5, IsSensitive = true },
                    ],
                },
                new() { Name = "bad", ErrorCode = 36, ErrorMessage = "already exists", TopicConfigErrorCode = 29, Configs = null },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 2 ? 12 : 0, back.ThrottleTimeMs);
        Assert.Equal(2, back.Topics.Count);
        var orders = back.Topics[0];
        Assert.Equal("orders", orders.Name);
        Assert.Equal(version >= 7 ? SampleId : Uuid.Zero, orders.TopicId);
        Assert.Equal((short)0, orders.ErrorCode);
        Assert.Null(orders.ErrorMessage);
        Assert.Equal(version >= 5 ? 6 : -1, orders.NumPartitions);
        Assert.Equal(version >= 5 ? (short)3 : (short)-1, orders.ReplicationFactor);
        Assert.Equal((short)0, orders.TopicConfigErrorCode);
        Assert.NotNull(orders.Configs);
        if (version >= 5)
        {
            Assert.Equal(2, orders.Configs.Count);
            var c0 = orders.Configs[0];
            Assert.Equal(("cleanup.policy", "compact", false, (sbyte)1, false), (c0.Name, c0.Value, c0.ReadOnly, c0.ConfigSource, c0.IsSensitive));
            var c1 = orders.Configs[1];
            Assert.Equal(("sasl.secret", (string?)null, true, (sbyte)5, true), (c1.Name, c1.Value, c1.ReadOnly, c1.ConfigSource, c1.IsSensitive));
        }
        else
        {
            Assert.Empty(orders.Configs);
        }

        var bad = back.Topics[1];
        Assert.Equal(("bad", (short)36), (bad.Name, bad.ErrorCode));
        Assert.Equal(version >= 1 ? "already exists" : null, bad.ErrorMessage);
        Assert.Equal(version >= 5 ? (short)29 : (short)0, bad.TopicConfigErrorCode);
        if (version >= 5) Assert.Null(bad.Configs);
        else Assert.Empty(bad.Configs!);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new CreateTopicsRequest
        {
            Topics = [new() { Name = "t", NumPartitions = 3, ReplicationFactor = 1, Configs = [new() { Name = "k", Value = "v" }] }],
            TimeoutMs = 1000,
        };
        var expected = Hex(
            "00000001" +            // topics: 1
            "0001 74" +             // name "t"
            "00000003 0001" +       // 3 partitions, replication 1
            "00000000" +            // assignments: none
            "00000001 0001 6B 0001 76" + // configs: k=v
            "000003E8");            // timeout 1000 (no ValidateOnly in v0)
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        var back = Decode<CreateTopicsRequest>(expected, 0, false);
        Assert.Equal("v", back.Topics[0].Configs[0].Value);
        Assert.Equal(1000, back.TimeoutMs);
    }

    [Fact]
    public void RequestV5GoldenBytes()
    {
        var request = new CreateTopicsRequest
        {
            Topics = [new() { Name = "t", NumPartitions = -1, ReplicationFactor = -1, Assignments = [new() { PartitionIndex = 0, BrokerIds = [1] }] }],
            TimeoutMs = 1000,
            ValidateOnly = true,
        };
        var expected = Hex(
            "02" +                  // topics: 1
            "02 74" +               // name "t"
            "FFFFFFFF FFFF" +       // partitions -1, replication -1
            "02 00000000 02 00000001 00" + // assignments: partition 0 -> [1], tags
            "01" +                  // configs: none
            "00" +                  // topic tags
            "000003E8 01" +         // timeout 1000, ValidateOnly
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 5, true));
        var back = Decode<CreateTopicsRequest>(expected, 5, true);
        Assert.Equal([1], back.Topics[0].Assignments[0].BrokerIds);
        Assert.True(back.ValidateOnly);
    }

    [Fact]
    public void ResponseV1GoldenBytes()
    {
        var response = new CreateTopicsResponse { Topics = [new() { Name = "t", ErrorCode = 36, ErrorMessage = "x" }] };
        var expected = Hex("00000001 0001 74 0024 0001 78");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, false));
        Assert.Equal("x", Decode<CreateTopicsResponse>(expected, 1, false).Topics[0].ErrorMessage);
    }

    [Fact]
    public void ResponseV7GoldenBytesWithTaggedConfigError()
    {
        var response = new CreateTopicsResponse
        {
            Topics =
            [
                new()
                {
                    Name = "t", TopicId = SampleId, NumPartitions = 1, ReplicationFactor = 1, TopicConfigErrorCode = 29,
                    Configs = [new() { Name = "k", Value = "v", ConfigSource = 5 }],
                },
            ],
        };
        var expected = Hex(
            "00000000" +                // throttle
            "02" +                      // topics: 1
            "02 74" + SampleIdHex +     // name "t", topic id
            "0000 00" +                 // error 0, message null
            "00000001 0001" +           // 1 partition, replication 1
            "02 02 6B 02 76 00 05 00 00" + // configs: k=v, not read-only, source 5, not sensitive, tags
            "01 00 02 001D" +           // tagged: 1 field, tag 0 (TopicConfigErrorCode), 2 bytes, 29
            "00");                      // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 7, true));
        var back = Decode<CreateTopicsResponse>(expected, 7, true);
        Assert.Equal((short)29, back.Topics[0].TopicConfigErrorCode);
        Assert.Equal((sbyte)5, back.Topics[0].Configs![0].ConfigSource);
    }

    [Fact]
    public void UnknownTopicTagIsSkippedAndKnownTagStillRead()
    {
        // v5 result with tags: unknown tag 4 (1 byte) then tag 0 = 0x0007.
        var bytes = Hex("00000000 02 02 74 0000 00 FFFFFFFF FFFF 00 02 04 01 AA 00 02 0007 00");
        var back = Decode<CreateTopicsResponse>(bytes, 5, true);
        Assert.Equal((short)7, back.Topics[0].TopicConfigErrorCode);
        Assert.Null(back.Topics[0].Configs);
    }
}
