using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

/// <summary>KIP-467: per-record rules report every offending record, with Kafka's precedence between the error codes.</summary>
public class RecordRulesTests
{
    private const int Max = 1 << 20;
    private static readonly TopicPartition Partition = new("orders", 3);

    private static byte[] Batch(CompressionType codec, params (long Timestamp, byte[]? Key)[] records) =>
        RecordTestData.Build([.. records.Select(r => new TestRecord(r.Timestamp, r.Key, "v"u8.ToArray(), []))], codec);

    private static RecordRules Compacted => new(Partition, RequireKey: true, long.MinValue, long.MaxValue);

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Zstd)]
    public void EveryNullKeyOnACompactedTopicIsListed(CompressionType codec)
    {
        var t = RecordTestData.BaseTime;
        var batch = Batch(codec, (t, "a"u8.ToArray()), (t, null), (t, "c"u8.ToArray()), (t, null), (t, null));

        var result = RecordBatchValidator.Validate(batch, Max, Compacted);

        Assert.Equal(ErrorCode.InvalidRecord, result.Error);
        Assert.Equal([1, 3, 4], result.RecordErrors.Select(e => e.BatchIndex));
        Assert.All(result.RecordErrors, e => Assert.Contains("orders-3", e.Message));
        Assert.StartsWith("3 of the 5 records in batch 0 were rejected", result.ErrorMessage);
        Assert.Equal(1, result.ErrorRecordIndex);
    }

    [Fact]
    public void WithoutRulesNullKeysPass()
    {
        var t = RecordTestData.BaseTime;
        var result = RecordBatchValidator.Validate(Batch(CompressionType.None, (t, null)), Max, RecordRules.None);
        Assert.True(result.IsValid, result.ToString());
        Assert.Empty(result.RecordErrors);
    }

    [Fact]
    public void TimestampErrorsMakeTheBatchInvalidTimestampEvenWithKeyErrors()
    {
        var now = RecordTestData.BaseTime;
        var rules = RecordRules.For(Partition, compacted: true, logAppendTime: false, timestampBeforeMaxMs: 1000, timestampAfterMaxMs: 1000, nowMs: now);
        var batch = Batch(CompressionType.None, (now, null), (now - 5000, "b"u8.ToArray()), (now + 5000, null), (now + 500, "d"u8.ToArray()));

        var result = RecordBatchValidator.Validate(batch, Max, rules);

        Assert.Equal(ErrorCode.InvalidTimestamp, result.Error);
        // Record 2 breaks both rules but is reported once, for its key (the key is checked first).
        Assert.Equal([0, 1, 2], result.RecordErrors.Select(e => e.BatchIndex));
        Assert.Contains("without a key", result.RecordErrors[0].Message);
        Assert.Contains($"timestamp {now - 5000}", result.RecordErrors[1].Message);
        Assert.Contains("without a key", result.RecordErrors[2].Message);
    }

    [Fact]
    public void RecordsWithoutATimestampAreNeverOutOfRange()
    {
        var now = RecordTestData.BaseTime;
        var rules = RecordRules.For(Partition, compacted: false, logAppendTime: false, timestampBeforeMaxMs: 10, timestampAfterMaxMs: 10, nowMs: now);
        var result = RecordBatchValidator.Validate(Batch(CompressionType.None, (RecordBatchHeader.NoTimestamp, "a"u8.ToArray()), (now, "b"u8.ToArray())), Max, rules);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void LogAppendTimeTopicsCheckNoTimestamp()
    {
        var rules = RecordRules.For(Partition, compacted: false, logAppendTime: true, timestampBeforeMaxMs: 0, timestampAfterMaxMs: 0, nowMs: RecordTestData.BaseTime);
        var result = RecordBatchValidator.Validate(Batch(CompressionType.None, (1, "a"u8.ToArray())), Max, rules);
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void TheWindowSaturatesInsteadOfOverflowing()
    {
        var rules = RecordRules.For(Partition, false, false, long.MaxValue, long.MaxValue, RecordTestData.BaseTime);
        Assert.Equal(long.MinValue, rules.EarliestTimestamp);
        Assert.Equal(long.MaxValue, rules.LatestTimestamp);
    }

    [Fact]
    public void MoreThanThreeErrorsQuoteOnlyTheFirstThree()
    {
        var t = RecordTestData.BaseTime;
        var batch = Batch(CompressionType.None, (t, null), (t, null), (t, null), (t, null));
        var result = RecordBatchValidator.Validate(batch, Max, Compacted);
        Assert.Equal(4, result.RecordErrors.Count);
        Assert.Contains("the first three", result.ErrorMessage);
        Assert.Equal(3, result.ErrorMessage!.Split("without a key").Length - 1);
    }

    [Fact]
    public void AFormatErrorStillWinsOverRecordErrors()
    {
        var t = RecordTestData.BaseTime;
        var batch = Batch(CompressionType.None, (t, null), (t, "b"u8.ToArray()));
        batch[^1] ^= 0xFF; // breaks the last record's encoding...
        RecordBatchHeader.WriteCrc(batch); // ...behind a valid CRC
        var result = RecordBatchValidator.Validate(batch, Max, Compacted);
        Assert.Equal(ErrorCode.InvalidRecord, result.Error);
        Assert.Empty(result.RecordErrors);
    }
}
