using Brook.Common;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Messages;

public class ProduceCodecTests
{
    private static readonly ApiDescriptor Api = ProduceRequest.Api;
    private static readonly Uuid TopicId = new(0x0102030405060708, 0x090A0B0C0D0E0F10);

    public static TheoryData<short> AllVersions()
    {
        var data = new TheoryData<short>();
        for (var v = Api.MinVersion; v <= Api.MaxVersion; v++) data.Add(v);
        return data;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static byte[] Bytes(RecordSet? records) => ((MemoryRecordSet)records!).Data.ToArray();

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void RequestRoundTrips(short version)
    {
        var request = new ProduceRequest
        {
            TransactionalId = "tx-1",
            Acks = -1,
            TimeoutMs = 30000,
            TopicData =
            [
                new()
                {
                    Name = "orders",
                    TopicId = TopicId,
                    PartitionData =
                    [
                        new() { Index = 0, Records = new MemoryRecordSet(new byte[] { 1, 2, 3 }) },
                        new() { Index = 7, Records = null },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Api.IsFlexible(version));

        Assert.Equal(version >= 3 ? "tx-1" : null, back.TransactionalId);
        Assert.Equal(-1, back.Acks);
        Assert.Equal(30000, back.TimeoutMs);
        var topic = Assert.Single(back.TopicData);
        Assert.Equal(version <= 12 ? "orders" : "", topic.Name);
        Assert.Equal(version >= 13 ? TopicId : Uuid.Zero, topic.TopicId);
        Assert.Equal(2, topic.PartitionData.Count);
        Assert.Equal(0, topic.PartitionData[0].Index);
        Assert.Equal(new byte[] { 1, 2, 3 }, Bytes(topic.PartitionData[0].Records));
        Assert.Equal(7, topic.PartitionData[1].Index);
        Assert.Null(topic.PartitionData[1].Records);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new ProduceResponse
        {
            Responses =
            [
                new()
                {
                    Name = "orders",
                    TopicId = TopicId,
                    PartitionResponses =
                    [
                        new()
                        {
                            Index = 3,
                            ErrorCode = 6,
                            BaseOffset = 1234,
                            LogAppendTimeMs = 1_700_000_000_000,
                            LogStartOffset = 100,
                            RecordErrors = [new() { BatchIndex = 2, BatchIndexErrorMessage = "bad" }, new() { BatchIndex = 4 }],
                            ErrorMessage = "batch dropped",
                            CurrentLeader = new() { LeaderId = 2, LeaderEpoch = 9 },
                        },
                    ],
                },
            ],
            ThrottleTimeMs = 50,
            NodeEndpoints = [new() { NodeId = 2, Host = "broker-2", Port = 9092, Rack = "r1" }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Api.IsFlexible(version));

        Assert.Equal(version >= 1 ? 50 : 0, back.ThrottleTimeMs);
        var topic = Assert.Single(back.Responses);
        Assert.Equal(version <= 12 ? "orders" : "", topic.Name);
        Assert.Equal(version >= 13 ? TopicId : Uuid.Zero, topic.TopicId);
        var p = Assert.Single(topic.PartitionResponses);
        Assert.Equal(3, p.Index);
        Assert.Equal(6, p.ErrorCode);
        Assert.Equal(1234, p.BaseOffset);
        Assert.Equal(version >= 2 ? 1_700_000_000_000 : -1, p.LogAppendTimeMs);
        Assert.Equal(version >= 5 ? 100 : -1, p.LogStartOffset);
        if (version >= 8)
        {
            Assert.Equal(response.Responses[0].PartitionResponses[0].RecordErrors, p.RecordErrors);
            Assert.Equal("batch dropped", p.ErrorMessage);
        }
        else
        {
            Assert.Empty(p.RecordErrors);
            Assert.Null(p.ErrorMessage);
        }
        if (version >= 10)
        {
            Assert.Equal(new LeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 9 }, p.CurrentLeader);
            Assert.Equal(response.NodeEndpoints, back.NodeEndpoints);
        }
        else
        {
            Assert.Null(p.CurrentLeader);
            Assert.Empty(back.NodeEndpoints);
        }
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new ProduceRequest
        {
            TransactionalId = null,
            Acks = -1,
            TimeoutMs = 1000,
            TopicData = [new() { Name = "t", PartitionData = [new() { Index = 2, Records = new MemoryRecordSet(new byte[] { 0xAA, 0xBB }) }] }],
        };
        var expected = Hex(
            "FFFF" +            // transactional id: null (int16 length -1)
            "FFFF" +            // acks -1
            "000003E8" +        // timeout 1000
            "00000001" +        // 1 topic
            "0001 74" +         // name "t"
            "00000001" +        // 1 partition
            "00000002" +        // index 2
            "00000002 AABB");   // records: int32 length 2, bytes
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, flexible: false));
    }

    [Fact]
    public void RequestV13GoldenBytesUseTopicIdAndCompactForms()
    {
        var request = new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 5000,
            TopicData = [new() { Name = "ignored", TopicId = TopicId, PartitionData = [new() { Index = 0, Records = new MemoryRecordSet(new byte[] { 0xCC }) }] }],
        };
        var expected = Hex(
            "00" +                                  // transactional id: compact null
            "0001" +                                // acks 1
            "00001388" +                            // timeout 5000
            "02" +                                  // compact array: 1 topic
            "0102030405060708090A0B0C0D0E0F10" +    // topic id
            "02" +                                  // 1 partition
            "00000000" +                            // index 0
            "02 CC" +                               // compact records: length+1 = 2
            "00" +                                  // partition tags
            "00" +                                  // topic tags
            "00");                                  // request tags
        var bytes = CodecTestHelper.Encode(request, 13, flexible: true);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void ResponseV9GoldenBytesListRecordErrors()
    {
        var response = new ProduceResponse
        {
            Responses =
            [
                new()
                {
                    Name = "t",
                    PartitionResponses =
                    [
                        new()
                        {
                            Index = 0, ErrorCode = 87, BaseOffset = -1,
                            RecordErrors = [new() { BatchIndex = 3, BatchIndexErrorMessage = "k" }, new() { BatchIndex = 13 }],
                            ErrorMessage = "2 bad",
                        },
                    ],
                },
            ],
        };
        var expected = Hex(
            "02" +                  // 1 topic
            "02 74" +               // name "t"
            "02" +                  // 1 partition
            "00000000" +            // index
            "0057" +                // INVALID_RECORD (87)
            "FFFFFFFFFFFFFFFF" +    // base offset -1
            "FFFFFFFFFFFFFFFF" +    // log append time -1
            "FFFFFFFFFFFFFFFF" +    // log start offset -1
            "03" +                  // record errors: compact array of 2
            "00000003 02 6B 00" +   // batch index 3, message "k", struct tags
            "0000000D 00 00" +      // batch index 13, message null, struct tags
            "06 3220626164" +      // error message "2 bad"
            "00" +                  // partition tags
            "00" +                  // topic tags
            "00000000" +            // throttle
            "00");                  // response tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 9, flexible: true));
    }

    [Fact]
    public void ResponseV10GoldenBytesCarryTaggedLeaderAndEndpoints()
    {
        var response = new ProduceResponse
        {
            Responses =
            [
                new()
                {
                    Name = "t",
                    PartitionResponses = [new() { Index = 0, ErrorCode = 6, BaseOffset = -1, CurrentLeader = new() { LeaderId = 2, LeaderEpoch = 7 } }],
                },
            ],
            NodeEndpoints = [new() { NodeId = 2, Host = "b2", Port = 9092 }],
        };
        var expected = Hex(
            "02" +                  // 1 topic
            "02 74" +               // name "t"
            "02" +                  // 1 partition
            "00000000" +            // index
            "0006" +                // NOT_LEADER_OR_FOLLOWER
            "FFFFFFFFFFFFFFFF" +    // base offset -1
            "FFFFFFFFFFFFFFFF" +    // log append time -1
            "FFFFFFFFFFFFFFFF" +    // log start offset -1
            "01" +                  // record errors: empty compact array
            "00" +                  // error message: null
            "01 00 09 00000002 00000007 00" + // 1 tag: tag 0, size 9, leader 2, epoch 7, struct tags
            "00" +                  // topic tags
            "00000000" +            // throttle
            "01 00 0E 02 00000002 03 6232 00002384 00 00"); // 1 tag: tag 0, size 14, [node 2, "b2", 9092, rack null]
        Assert.Equal(expected, CodecTestHelper.Encode(response, 10, flexible: true));
    }

    [Fact]
    public void ResponseV9DoesNotWriteTaggedFieldsOfV10()
    {
        var response = new ProduceResponse
        {
            Responses = [new() { Name = "t", PartitionResponses = [new() { CurrentLeader = new() { LeaderId = 1, LeaderEpoch = 1 } }] }],
            NodeEndpoints = [new() { NodeId = 1, Host = "h", Port = 1 }],
        };
        var bytes = CodecTestHelper.Encode(response, 9, flexible: true);
        Assert.Equal(Hex("0000 0000"), bytes[^5..^1]); // throttle time ...
        Assert.Equal(0, bytes[^1]);                      // ... then an empty tag section
    }

    [Fact]
    public void DefaultCurrentLeaderIsNotWritten()
    {
        var withDefault = new ProduceResponse { Responses = [new() { Name = "t", PartitionResponses = [new() { CurrentLeader = new() }] }] };
        var without = new ProduceResponse { Responses = [new() { Name = "t", PartitionResponses = [new()] }] };
        Assert.Equal(CodecTestHelper.Encode(without, 11, true), CodecTestHelper.Encode(withDefault, 11, true));
    }

    [Fact]
    public void UnknownTaggedFieldsAreSkipped()
    {
        // Produce response v10 whose partition carries only an unknown tag 5 (2 bytes) and whose body an unknown tag 7.
        var bytes = Hex(
            "02 02 74 02" +
            "00000001 0000 0000000000000005 FFFFFFFFFFFFFFFF FFFFFFFFFFFFFFFF 01 00" +
            "01 05 02 ABCD" +       // unknown tag 5
            "00" +
            "00000000" +
            "01 07 01 00");         // unknown top-level tag 7, one byte
        var reader = new ProtocolReader(bytes, flexible: true);
        var back = new ProduceResponse();
        back.Read(ref reader, 10);
        Assert.True(reader.End);
        var p = back.Responses[0].PartitionResponses[0];
        Assert.Equal(1, p.Index);
        Assert.Equal(5, p.BaseOffset);
        Assert.Null(p.CurrentLeader);
        Assert.Empty(back.NodeEndpoints);
    }
}
