using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Coordination.Transactions.Records;

namespace Brook.Coordination.Tests.Transactions;

public class TransactionLogRecordTests
{
    private static void AssertSame(TransactionLogValue expected, TransactionLogValue actual)
    {
        Assert.Equal(expected with { Partitions = [] }, actual with { Partitions = [] });
        Assert.Equal(expected.Partitions.OrderBy(p => p.ToString()), actual.Partitions.OrderBy(p => p.ToString()));
    }

    [Fact]
    public void Key_has_kafkas_layout()
    {
        var key = TransactionLogKey.Encode("tx");
        // int16 version 0, int16-length "tx".
        Assert.Equal(new byte[] { 0, 0, 0, 2, (byte)'t', (byte)'x' }, key);
        Assert.Equal("tx", TransactionLogKey.Decode(key));
        // A key version we do not know is skipped, not an error.
        Assert.Null(TransactionLogKey.Decode([0, 1, 0, 2, (byte)'t', (byte)'x']));
    }

    [Fact]
    public void Value_v0_has_kafkas_layout()
    {
        var value = new TransactionLogValue(1000, 5, 60_000, TransactionState.Ongoing,
            [new TopicPartition("t", 2), new TopicPartition("t", 0)], 2000, 1500);
        byte[] expected =
        [
            0, 0,                             // version 0
            0, 0, 0, 0, 0, 0, 0x03, 0xe8,     // producer id 1000
            0, 5,                             // producer epoch
            0, 0, 0xea, 0x60,                 // timeout 60000
            1,                                // status Ongoing
            0, 0, 0, 1,                       // one topic
            0, 1, (byte)'t',                  //   "t"
            0, 0, 0, 2,                       //   two partition ids, ascending
            0, 0, 0, 0,
            0, 0, 0, 2,
            0, 0, 0, 0, 0, 0, 0x07, 0xd0,     // last update 2000
            0, 0, 0, 0, 0, 0, 0x05, 0xdc,     // start 1500
        ];
        var encoded = value.Encode();
        Assert.Equal(expected, encoded);
        AssertSame(value, TransactionLogValue.Decode(encoded));
    }

    [Fact]
    public void Value_v1_is_flexible_with_tagged_fields()
    {
        var value = new TransactionLogValue(1000, 5, 60_000, TransactionState.PrepareCommit, [new TopicPartition("a", 1)], 2000, 1500)
        {
            PreviousProducerId = 7,
            ClientTransactionVersion = 2,
        };
        byte[] expected =
        [
            0, 1,                             // version 1
            0, 0, 0, 0, 0, 0, 0x03, 0xe8,
            0, 5,
            0, 0, 0xea, 0x60,
            2,                                // status PrepareCommit
            2,                                // compact array: 1 topic
            2, (byte)'a',                     //   compact string "a"
            2,                                //   compact array: 1 partition id
            0, 0, 0, 1,
            0,                                //   the topic's (empty) tagged fields
            0, 0, 0, 0, 0, 0, 0x07, 0xd0,
            0, 0, 0, 0, 0, 0, 0x05, 0xdc,
            2,                                // two tagged fields
            0, 8, 0, 0, 0, 0, 0, 0, 0, 7,     //   tag 0 PreviousProducerId = 7
            2, 2, 0, 2,                       //   tag 2 ClientTransactionVersion = 2
        ];
        var encoded = value.Encode();
        Assert.Equal(expected, encoded);
        AssertSame(value, TransactionLogValue.Decode(encoded));
    }

    [Fact]
    public void Empty_state_writes_a_null_partition_array()
    {
        var value = new TransactionLogValue(9, 0, 100, TransactionState.Empty, [], 5, -1);
        var encoded = value.Encode();
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, encoded[17..21]);
        AssertSame(value, TransactionLogValue.Decode(encoded));

        var flexible = value.Encode(1);
        Assert.Equal(0, flexible[17]);          // compact null
        AssertSame(value, TransactionLogValue.Decode(flexible));
    }

    [Theory]
    [InlineData(TransactionState.Ongoing)]
    [InlineData(TransactionState.PrepareAbort)]
    [InlineData(TransactionState.CompleteCommit)]
    [InlineData(TransactionState.CompleteAbort)]
    public void Values_round_trip_in_both_versions(TransactionState state)
    {
        var partitions = state is TransactionState.CompleteCommit or TransactionState.CompleteAbort
            ? new List<TopicPartition>()
            : [new TopicPartition("b", 3), new TopicPartition("a", 0), new TopicPartition("b", 1)];
        var value = new TransactionLogValue(long.MaxValue, short.MaxValue, int.MaxValue, state, partitions, 123456789, 987654321)
        {
            NextProducerId = 44,
        };
        AssertSame(value, TransactionLogValue.Decode(value.Encode(1)));
        AssertSame(value with { NextProducerId = -1 }, TransactionLogValue.Decode(value.Encode(0)));
    }

    [Fact]
    public void Unknown_tags_are_skipped_and_bad_input_is_corrupt()
    {
        var value = new TransactionLogValue(1, 0, 10, TransactionState.Empty, [], 1, -1);
        var encoded = value.Encode(1);
        // Replace the empty tag section (last byte) with one unknown tag 9 of 3 bytes.
        var withUnknownTag = encoded[..^1].Concat(new byte[] { 1, 9, 3, 1, 2, 3 }).ToArray();
        AssertSame(value, TransactionLogValue.Decode(withUnknownTag));

        var badStatus = value.Encode(0);
        badStatus[16] = 9;
        Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<KafkaException>(() => TransactionLogValue.Decode(badStatus)).Code);
        Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<KafkaException>(() => TransactionLogValue.Decode(value.Encode(0).AsSpan(0, 20))).Code);
        Assert.Equal(ErrorCode.CorruptMessage, Assert.Throws<KafkaException>(() => TransactionLogValue.Decode([0, 2, 0])).Code);
    }

    [Fact]
    public void States_that_are_never_written_refuse_to_encode()
    {
        Assert.Throws<InvalidOperationException>(() => new TransactionLogValue(1, 0, 10, TransactionState.Dead, [], 1, -1).Encode());
        Assert.Throws<InvalidOperationException>(() => new TransactionLogValue(1, 0, 10, TransactionState.PrepareEpochFence, [], 1, -1).Encode());
        Assert.Throws<InvalidOperationException>(() =>
            new TransactionLogValue(1, 0, 10, TransactionState.Empty, [new TopicPartition("t", 0)], 1, -1).Encode());
    }

    [Fact]
    public void State_names_are_kafkas()
    {
        Assert.Equal("PrepareEpochFence", TransactionState.PrepareEpochFence.Name());
        Assert.True(TransactionStateNames.TryParse("CompleteCommit", out var s));
        Assert.Equal(TransactionState.CompleteCommit, s);
        Assert.False(TransactionStateNames.TryParse("completecommit", out _));
        Assert.Equal(7, (int)TransactionState.PrepareEpochFence);
    }
}
