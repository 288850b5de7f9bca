using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DescribeTransactionsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DescribeTransactionsRequest.Api);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new DescribeTransactionsRequest { TransactionalIds = ["tx-1", "tx-2"] }, version, true);
        Assert.Equal(["tx-1", "tx-2"], back.TransactionalIds);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DescribeTransactionsResponse
        {
            ThrottleTimeMs = 1,
            TransactionStates =
            [
                new()
                {
                    TransactionalId = "tx-1", TransactionState = "Ongoing", TransactionTimeoutMs = 60000, TransactionStartTimeMs = 1_700_000_000_000,
                    ProducerId = 42, ProducerEpoch = 3,
                    Topics = [new() { Topic = "orders", Partitions = [0, 1] }, new() { Topic = "events", Partitions = [4] }],
                },
                new() { ErrorCode = 105, TransactionalId = "missing" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal(1, back.ThrottleTimeMs);
        Assert.Equal(2, back.TransactionStates.Count);
        var ongoing = back.TransactionStates[0];
        Assert.Equal(((short)0, "tx-1", "Ongoing", 60000), (ongoing.ErrorCode, ongoing.TransactionalId, ongoing.TransactionState, ongoing.TransactionTimeoutMs));
        Assert.Equal((1_700_000_000_000L, 42L, (short)3), (ongoing.TransactionStartTimeMs, ongoing.ProducerId, ongoing.ProducerEpoch));
        Assert.Equal(["orders", "events"], ongoing.Topics.Select(t => t.Topic));
        Assert.Equal([0, 1], ongoing.Topics[0].Partitions);
        Assert.Equal([4], ongoing.Topics[1].Partitions);
        var missing = back.TransactionStates[1];
        Assert.Equal(((short)105, "missing", "", -1L, (short)-1), (missing.ErrorCode, missing.TransactionalId, missing.TransactionState, missing.ProducerId, missing.ProducerEpoch));
        Assert.Empty(missing.Topics);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex("02 03 7478 00"); // ids: ["tx"], tags
        Assert.Equal(expected, CodecTestHelper.Encode(new DescribeTransactionsRequest { TransactionalIds = ["tx"] }, 0, true));
        Assert.Equal(["tx"], Decode<DescribeTransactionsRequest>(expected, 0, true).TransactionalIds);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new DescribeTransactionsResponse
        {
            TransactionStates =
            [
                new()
                {
                    TransactionalId = "tx", TransactionState = "Ongoing", TransactionTimeoutMs = 60000, TransactionStartTimeMs = 1000,
                    ProducerId = 5, ProducerEpoch = 1, Topics = [new() { Topic = "t", Partitions = [0] }],
                },
            ],
        };
        var expected = Hex(
            "00000000" +                // throttle
            "02 0000" +                 // states: 1, no error
            "03 7478" +                 // "tx"
            "08 4F6E676F696E67" +       // "Ongoing"
            "0000EA60 00000000000003E8" + // timeout 60000, started at 1000
            "0000000000000005 0001" +   // producer 5, epoch 1
            "02 02 74 02 00000000 00" + // topics: "t" [0], tags
            "00 00");                   // state tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal("Ongoing", Decode<DescribeTransactionsResponse>(expected, 0, true).TransactionStates[0].TransactionState);
    }
}
