using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class AddPartitionsToTxnCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(AddPartitionsToTxnRequest.Api);
    private static bool Flexible(short version) => AddPartitionsToTxnRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void SingleTransactionRequestRoundTrips(short version)
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions =
            [
                new()
                {
                    TransactionalId = "tx-1", ProducerId = 1L << 33, ProducerEpoch = 4, VerifyOnly = true,
                    Topics = [new() { Name = "orders", Partitions = [0, 2] }, new() { Name = "events", Partitions = [1] }],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        var txn = Assert.Single(back.Transactions);
        Assert.Equal(("tx-1", 1L << 33, (short)4), (txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch));
        Assert.Equal(version >= 4, txn.VerifyOnly);
        Assert.Equal(["orders", "events"], txn.Topics.Select(t => t.Name));
        Assert.Equal([0, 2], txn.Topics[0].Partitions);
        Assert.Equal([1], txn.Topics[1].Partitions);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void BatchedRequestRoundTrips(short version)
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions =
            [
                new() { TransactionalId = "a", ProducerId = 1, ProducerEpoch = 0, Topics = [new() { Name = "t", Partitions = [0] }] },
                new() { TransactionalId = "b", ProducerId = 2, ProducerEpoch = 7, VerifyOnly = true },
            ],
        };

        var back = CodecTestHelper.RoundTrip(request, version, true);

        Assert.Equal([("a", 1L, (short)0, false), ("b", 2L, (short)7, true)],
            back.Transactions.Select(t => (t.TransactionalId, t.ProducerId, t.ProducerEpoch, t.VerifyOnly)));
        Assert.Equal([0], back.Transactions[0].Topics[0].Partitions);
        Assert.Empty(back.Transactions[1].Topics);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void SingleTransactionVersionsRefuseSeveralTransactions(short version)
    {
        var request = new AddPartitionsToTxnRequest { Transactions = [new() { TransactionalId = "a" }, new() { TransactionalId = "b" }] };
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(request, version, Flexible(version)));
        var response = new AddPartitionsToTxnResponse { ResultsByTransaction = [new(), new()] };
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(response, version, Flexible(version)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new AddPartitionsToTxnResponse
        {
            ThrottleTimeMs = 8,
            ResultsByTransaction =
            [
                new()
                {
                    TransactionalId = "tx-1",
                    TopicResults =
                    [
                        new() { Name = "orders", ResultsByPartition = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 2, PartitionErrorCode = 3 }] },
                    ],
                },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(8, back.ThrottleTimeMs);
        Assert.Equal((short)0, back.ErrorCode);
        var txn = Assert.Single(back.ResultsByTransaction);
        // v0-3 do not repeat the transactional id in the response.
        Assert.Equal(version >= 4 ? "tx-1" : "", txn.TransactionalId);
        var topic = Assert.Single(txn.TopicResults);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([(0, (short)0), (2, (short)3)], topic.ResultsByPartition.Select(p => (p.PartitionIndex, p.PartitionErrorCode)));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void BatchedResponseRoundTripsWithTopLevelError(short version)
    {
        var response = new AddPartitionsToTxnResponse
        {
            ErrorCode = 31,
            ResultsByTransaction = [new() { TransactionalId = "a" }, new() { TransactionalId = "b", TopicResults = [new() { Name = "t" }] }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal((short)31, back.ErrorCode);
        Assert.Equal(["a", "b"], back.ResultsByTransaction.Select(r => r.TransactionalId));
        Assert.Equal("t", back.ResultsByTransaction[1].TopicResults[0].Name);
    }

    [Fact]
    public void ResponseV3SpreadsTopLevelErrorOverPartitionsWithoutOne()
    {
        var response = new AddPartitionsToTxnResponse
        {
            ErrorCode = 51,
            ResultsByTransaction =
            [
                new() { TopicResults = [new() { Name = "t", ResultsByPartition = [new() { PartitionIndex = 0 }, new() { PartitionIndex = 1, PartitionErrorCode = 3 }] }] },
            ],
        };
        var expected = Hex(
            "00000000" +                // throttle
            "02 02 74" +                // topics: "t"
            "03 00000000 0033 00" +     // partition 0: CONCURRENT_TRANSACTIONS from the top level
            "00000001 0003 00" +        // partition 1 keeps its own error
            "00 00");                   // topic tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 3, true));
        var back = Decode<AddPartitionsToTxnResponse>(expected, 3, true);
        Assert.Equal([(short)51, (short)3], back.ResultsByTransaction[0].TopicResults[0].ResultsByPartition.Select(p => p.PartitionErrorCode));
    }

    [Fact]
    public void EmptyResponseWritesNoTopicsBeforeV4()
    {
        Assert.Equal(Hex("00000000 00000000"), CodecTestHelper.Encode(new AddPartitionsToTxnResponse(), 0, false));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions = [new() { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, Topics = [new() { Name = "t", Partitions = [0] }] }],
        };
        var expected = Hex(
            "0002 7478" +               // transactional id "tx"
            "00000000000003E8 0001" +   // producer id 1000, epoch 1
            "00000001 0001 74" +        // topics: "t"
            "00000001 00000000");       // partitions: [0]
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, false));
        var back = Decode<AddPartitionsToTxnRequest>(expected, 0, false);
        Assert.Equal("tx", back.Transactions[0].TransactionalId);
        Assert.Equal([0], back.Transactions[0].Topics[0].Partitions);
    }

    [Fact]
    public void RequestV3GoldenBytes()
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions = [new() { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, Topics = [new() { Name = "t", Partitions = [0] }] }],
        };
        var expected = Hex("03 7478 00000000000003E8 0001 02 02 74 02 00000000 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 3, true));
        Assert.Equal(1000L, Decode<AddPartitionsToTxnRequest>(expected, 3, true).Transactions[0].ProducerId);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions = [new() { TransactionalId = "tx", ProducerId = 1000, ProducerEpoch = 1, VerifyOnly = true, Topics = [new() { Name = "t", Partitions = [0] }] }],
        };
        var expected = Hex(
            "02" +                      // transactions: 1
            "03 7478" +                 // "tx"
            "00000000000003E8 0001 01" + // producer id 1000, epoch 1, VerifyOnly
            "02 02 74 02 00000000 00" + // topics: "t" [0], tags
            "00 00");                   // transaction tags, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 4, true));
        Assert.True(Decode<AddPartitionsToTxnRequest>(expected, 4, true).Transactions[0].VerifyOnly);
    }

    [Fact]
    public void ResponseV0AndV4GoldenBytes()
    {
        var response = new AddPartitionsToTxnResponse
        {
            ResultsByTransaction = [new() { TransactionalId = "tx", TopicResults = [new() { Name = "t", ResultsByPartition = [new() { PartitionIndex = 0 }] }] }],
        };
        var v0 = Hex("00000000 00000001 0001 74 00000001 00000000 0000");
        var v4 = Hex(
            "00000000 0000" +           // throttle, top-level error
            "02 03 7478" +              // results: "tx"
            "02 02 74" +                // topics: "t"
            "02 00000000 0000 00" +     // partition 0 ok, tags
            "00 00 00");                // topic, transaction, response tags
        Assert.Equal(v0, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal(v4, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal("tx", Decode<AddPartitionsToTxnResponse>(v4, 4, true).ResultsByTransaction[0].TransactionalId);
    }
}
