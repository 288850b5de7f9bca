using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

public class RecordBatchValidatorTests
{
    private const int Max = 1 << 20;

    private static byte[] ThreeRecords(CompressionType codec = CompressionType.None) => RecordTestData.Build(
    [
        new(RecordTestData.BaseTime, "a"u8.ToArray(), "1"u8.ToArray(), []),
        new(RecordTestData.BaseTime, "b"u8.ToArray(), "2"u8.ToArray(), []),
        new(RecordTestData.BaseTime, "c"u8.ToArray(), "3"u8.ToArray(), []),
    ], codec);

    private static void AssertError(ErrorCode expected, RecordSetValidationResult result)
    {
        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
        Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
        Assert.Equal(0, result.BatchCount);
    }

    [Fact]
    public void ThreeConcatenatedBatchesAreDescribedInOrder()
    {
        var a = RecordTestData.Build(RecordTestData.Mixed(), CompressionType.None, b => { b.ProducerId = 1; b.ProducerEpoch = 0; b.BaseSequence = 0; });
        var b = ThreeRecords(CompressionType.Snappy);
        var c = RecordTestData.Build([new(5, null, null, [])], CompressionType.Zstd);
        byte[] set = [.. a, .. b, .. c];

        var result = RecordBatchValidator.Validate(set, Max);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(3, result.BatchCount);
        Assert.Equal(6 + 3 + 1, result.TotalRecordCount);
        var batches = result.Batches;
        Assert.Equal((0, a.Length), (batches[0].Position, batches[0].Size));
        Assert.Equal((a.Length, b.Length), (batches[1].Position, batches[1].Size));
        Assert.Equal((a.Length + b.Length, c.Length), (batches[2].Position, batches[2].Size));
        Assert.Equal(CompressionType.None, batches[0].Compression);
        Assert.Equal(CompressionType.Snappy, batches[1].Compression);
        Assert.Equal(CompressionType.Zstd, batches[2].Compression);
        Assert.Equal(5, result.FirstBatch.LastSequence);
        Assert.False(batches[1].HasProducerId);
        Assert.Equal(RecordBatchHeader.NoSequence, batches[1].LastSequence);
        Assert.True(result.LastBatch.HasNullKey);
        Assert.False(batches[1].HasNullKey);

        // The positions slice the set back into the original batches.
        foreach (var info in result.Batches)
            Assert.Equal(info.Size, new RecordBatchHeader(set.AsSpan(info.Position, info.Size)).TotalSize);
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void CrcMismatchIsCorruptMessage(CompressionType codec)
    {
        var batch = ThreeRecords(codec);
        batch[^2] ^= 0x01;
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void CrcCoversTheAttributes()
    {
        var batch = ThreeRecords();
        RecordBatchHeader.SetAttributes(batch, RecordBatchHeader.TransactionalBit);
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void TruncatedBatchIsCorruptMessage()
    {
        var batch = ThreeRecords();
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, batch.Length - 1), Max));
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, 40), Max));
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, 10), Max));
    }

    [Fact]
    public void TruncatedSecondBatchIsCorruptMessageAtIndexOne()
    {
        var batch = ThreeRecords();
        byte[] set = [.. batch, .. batch.AsSpan(0, batch.Length - 3)];
        var result = RecordBatchValidator.Validate(set, Max);
        AssertError(ErrorCode.CorruptMessage, result);
        Assert.Equal(1, result.ErrorBatchIndex);
    }

    [Fact]
    public void BatchLengthBelowMinimumIsCorruptMessage()
    {
        var batch = ThreeRecords();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthPosition), 40);
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, 52), Max));
    }

    [Fact]
    public void RecordCountDisagreeingWithLastOffsetDeltaIsInvalidRecord()
    {
        var batch = ThreeRecords();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordCountPosition), 2);
        RecordBatchHeader.WriteCrc(batch);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, Max));
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Lz4)]
    public void CountLargerThanTheRecordsIsInvalidRecord(CompressionType codec)
    {
        var batch = ThreeRecords(codec);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordCountPosition), 4);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaPosition), 3);
        RecordBatchHeader.WriteCrc(batch);
        var result = RecordBatchValidator.Validate(batch, Max);
        AssertError(ErrorCode.InvalidRecord, result);
        Assert.Contains("holds only 3", result.ErrorMessage);
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    public void CountSmallerThanTheRecordsIsInvalidRecord(CompressionType codec)
    {
        var batch = ThreeRecords(codec);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordCountPosition), 2);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaPosition), 1);
        RecordBatchHeader.WriteCrc(batch);
        var result = RecordBatchValidator.Validate(batch, Max);
        AssertError(ErrorCode.InvalidRecord, result);
        Assert.Contains("after its 2 declared records", result.ErrorMessage);
    }

    [Fact]
    public void OffsetDeltasOutOfOrderAreInvalidRecord()
    {
        var batch = ThreeRecords();
        // Records are [len][attributes][timestampDelta][offsetDelta]...; with equal timestamps every field before the
        // offset delta is one byte, so record 1's offset delta sits 3 bytes into it.
        var record0Length = 1 + batch[RecordBatchHeader.Size] / 2;
        var offsetDeltaAt = RecordBatchHeader.Size + record0Length + 3;
        Assert.Equal(2, batch[offsetDeltaAt]); // zig-zag 1
        batch[offsetDeltaAt] = 10; // zig-zag 5
        RecordBatchHeader.WriteCrc(batch);
        var result = RecordBatchValidator.Validate(batch, Max);
        AssertError(ErrorCode.InvalidRecord, result);
        Assert.Equal(1, result.ErrorRecordIndex);
    }

    [Fact]
    public void RecordThatDoesNotParseIsInvalidRecordWithItsIndex()
    {
        var batch = ThreeRecords();
        var record0Length = 1 + batch[RecordBatchHeader.Size] / 2;
        var keyLengthAt = RecordBatchHeader.Size + record0Length + 4;
        Assert.Equal(2, batch[keyLengthAt]); // key "b": zig-zag 1
        batch[keyLengthAt] = 5; // zig-zag -3: not a legal length
        RecordBatchHeader.WriteCrc(batch);
        var result = RecordBatchValidator.Validate(batch, Max);
        AssertError(ErrorCode.InvalidRecord, result);
        Assert.Equal(1, result.ErrorRecordIndex);
        Assert.Contains("key length", result.ErrorMessage);
    }

    [Fact]
    public void OversizeBatchIsMessageTooLarge()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed());
        Assert.True(RecordBatchValidator.Validate(batch, batch.Length).IsValid);
        AssertError(ErrorCode.MessageTooLarge, RecordBatchValidator.Validate(batch, batch.Length - 1));
    }

    [Fact]
    public void CompressionBombIsMessageTooLarge()
    {
        var batch = RecordTestData.Build([new(1, null, new byte[4 << 20], [])], CompressionType.Zstd);
        Assert.True(batch.Length < 4096);
        AssertError(ErrorCode.MessageTooLarge, RecordBatchValidator.Validate(batch, Max, maxDecompressedBatchSize: 1 << 20));
        Assert.True(RecordBatchValidator.Validate(batch, Max).IsValid);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void UnknownCodecIsUnsupportedCompressionType(short codec)
    {
        var batch = ThreeRecords();
        RecordBatchHeader.SetAttributes(batch, codec);
        RecordBatchHeader.WriteCrc(batch);
        AssertError(ErrorCode.UnsupportedCompressionType, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void UndecompressablePayloadIsInvalidRecord()
    {
        var batch = ThreeRecords();
        RecordBatchHeader.SetAttributes(batch, (short)CompressionType.Gzip);
        RecordBatchHeader.WriteCrc(batch);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void ControlBatchFromAClientIsInvalidRecord()
    {
        var marker = ControlRecord.BuildEndTxnMarkerBatch(ControlRecordType.Commit, 7, 1, 0, RecordTestData.BaseTime);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(marker, Max));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void LegacyMagicIsInvalidRecord(byte magic)
    {
        // Kafka's produce v3+ check refuses magic v0/v1 message sets with INVALID_RECORD.
        var batch = ThreeRecords();
        batch[RecordBatchHeader.MagicPosition] = magic;
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void UnknownMagicIsCorruptMessage()
    {
        var batch = ThreeRecords();
        batch[RecordBatchHeader.MagicPosition] = 7;
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void EmptySetIsInvalidRecord() =>
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate([], Max));

    [Fact]
    public void NonZeroBaseOffsetFromAProducerIsInvalidRecord()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed(), configure: b => b.BaseOffset = 100);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, Max));
    }

    [Fact]
    public void ProducerIdWithoutSequenceIsInvalidRecord()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed(), configure: b => { b.ProducerId = 5; b.ProducerEpoch = 0; });
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, Max));
    }
}
