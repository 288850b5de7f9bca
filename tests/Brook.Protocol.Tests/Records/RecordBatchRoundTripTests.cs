using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

public class RecordBatchRoundTripTests
{
    public static TheoryData<CompressionType> Codecs => new()
    {
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void BuildValidateIterateIsByteExact(CompressionType codec)
    {
        var records = RecordTestData.Mixed();
        var batch = RecordTestData.Build(records, codec, b =>
        {
            b.ProducerId = 4242;
            b.ProducerEpoch = 3;
            b.BaseSequence = 17;
            b.IsTransactional = true;
            b.PartitionLeaderEpoch = 9;
        });

        var result = RecordBatchValidator.Validate(batch, maxBatchSize: 1 << 20);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(1, result.BatchCount);
        Assert.Equal(records.Length, result.TotalRecordCount);

        var info = result.FirstBatch;
        Assert.Equal(0, info.Position);
        Assert.Equal(batch.Length, info.Size);
        Assert.Equal(codec, info.Compression);
        Assert.True(info.IsTransactional);
        Assert.False(info.IsControl);
        Assert.True(info.HasProducerId);
        Assert.Equal(4242, info.ProducerId);
        Assert.Equal((short)3, info.ProducerEpoch);
        Assert.Equal(17, info.BaseSequence);
        Assert.Equal(17 + records.Length - 1, info.LastSequence);
        Assert.Equal(9, info.PartitionLeaderEpoch);
        Assert.Equal(records.Length, info.RecordCount);
        Assert.Equal(records.Length - 1, info.LastOffsetDelta);
        Assert.Equal(RecordTestData.BaseTime, info.BaseTimestamp);
        Assert.Equal(RecordTestData.BaseTime + 1000, info.MaxTimestamp);
        Assert.Equal(RecordTestData.BaseTime + 1000, info.MaxRecordTimestamp);
        Assert.Equal(RecordTestData.BaseTime - 3, info.MinRecordTimestamp);
        Assert.True(info.HasNullKey);

        var header = new RecordBatchHeader(batch);
        Assert.Equal(RecordBatchHeader.CurrentMagic, header.Magic);
        Assert.Equal(RecordBatchHeader.ComputeCrc(batch), header.Crc);

        var offsets = new List<long>();
        RecordTestData.AssertSameRecords(records, RecordTestData.ReadAll(batch, offsets));
        Assert.Equal(Enumerable.Range(0, records.Length).Select(i => (long)i), offsets);
    }

    [Fact]
    public void CompressionShrinksRepetitiveBatches()
    {
        var records = Enumerable.Range(0, 200).Select(i => new TestRecord(RecordTestData.BaseTime + i, null, "the same value again and again"u8.ToArray(), [])).ToArray();
        var plain = RecordTestData.Build(records);
        foreach (var codec in new[] { CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
        {
            var compressed = RecordTestData.Build(records, codec);
            Assert.True(compressed.Length < plain.Length / 2, $"{codec}: {compressed.Length} vs {plain.Length}");
            var info = RecordBatchValidator.Validate(compressed, 1 << 20).FirstBatch;
            Assert.Equal(plain.Length - RecordBatchHeader.Size, info.UncompressedRecordsSize);
        }
    }

    [Fact]
    public void BaseOffsetAndLeaderEpochAreOutsideTheCrc()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed());
        var crc = new RecordBatchHeader(batch).Crc;
        RecordBatchHeader.SetBaseOffset(batch, 1234);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, 77);
        Assert.Equal(crc, RecordBatchHeader.ComputeCrc(batch));
        var offsets = new List<long>();
        RecordTestData.ReadAll(batch, offsets);
        Assert.Equal(1234, offsets[0]);
        Assert.Equal(1234 + 5, offsets[^1]);
    }

    [Fact]
    public void RecordViewExposesDeltasAndSizes()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed());
        var reader = RecordReader.ForBatch(batch);
        Assert.Equal(6, reader.Count);
        var total = 0;
        var i = 0;
        foreach (var r in reader)
        {
            Assert.Equal(i, r.OffsetDelta);
            Assert.Equal(RecordTestData.Mixed()[i].Timestamp - RecordTestData.BaseTime, r.TimestampDelta);
            Assert.Equal(0, r.Attributes);
            total += r.SizeInBytes;
            i++;
        }
        Assert.Equal(batch.Length - RecordBatchHeader.Size, total);
    }

    [Fact]
    public void CompressedBatchNeedsADecompressionBuffer()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed(), CompressionType.Gzip);
        Assert.Throws<ArgumentNullException>(() => RecordReader.ForBatch(batch));
    }

    [Fact]
    public void ReaderThrowsOnMalformedRecords()
    {
        var batch = RecordTestData.Build(RecordTestData.Mixed());
        batch[RecordBatchHeader.Size] = 0x7f; // the first record's length prefix becomes zig-zag 0x7f, i.e. -64
        Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var _ in RecordReader.ForBatch(batch)) { }
        });
    }

    [Fact]
    public void BuilderCanBeResetAndReused()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Lz4);
        builder.Add(1, "a"u8.ToArray(), "1"u8.ToArray());
        var first = builder.Build();
        builder.Reset();
        builder.Add(2, "b"u8.ToArray(), "2"u8.ToArray());
        builder.Add(3, "c"u8.ToArray(), "3"u8.ToArray());
        var second = builder.Build();
        Assert.Single(RecordTestData.ReadAll(first));
        var read = RecordTestData.ReadAll(second);
        Assert.Equal(2, read.Count);
        Assert.Equal(2, read[0].Timestamp);
        Assert.Equal("c"u8.ToArray(), read[1].Key);
        Assert.Throws<InvalidOperationException>(() => { builder.Reset(); builder.Build(); });
    }

    [Fact]
    public void SpanOverloadWritesNullAndEmptyDistinctly()
    {
        using var builder = new RecordBatchBuilder();
        builder.Add(5, default, keyIsNull: true, "v"u8, valueIsNull: false, [new RecordHeader("h", null)]);
        builder.Add(6, ReadOnlySpan<byte>.Empty, keyIsNull: false, default, valueIsNull: true);
        var read = RecordTestData.ReadAll(builder.Build());
        Assert.Null(read[0].Key);
        Assert.Equal("v"u8.ToArray(), read[0].Value);
        Assert.Null(read[0].Headers[0].Value);
        Assert.NotNull(read[1].Key);
        Assert.Empty(read[1].Key!);
        Assert.Null(read[1].Value);
    }

    [Fact]
    public void RecordSetBatchesWalksBoundariesAndStopsAtAPartialTail()
    {
        var a = RecordTestData.Build(RecordTestData.Mixed());
        var b = RecordTestData.Build(RecordTestData.Mixed(), CompressionType.Zstd);
        byte[] set = [.. a, .. b, .. b.AsSpan(0, 30)];
        var positions = new List<(int, int)>();
        var batches = new RecordSetBatches(set);
        foreach (var batch in batches) positions.Add((batches.CurrentPosition, batch.Length));
        // foreach works on a copy; walk again by hand to read the tail.
        var walker = new RecordSetBatches(set);
        while (walker.MoveNext()) Assert.Equal(RecordBatchHeader.CurrentMagic, walker.CurrentHeader.Magic);
        Assert.Equal(30, walker.RemainingBytes);
        Assert.Equal(2, positions.Count);
    }

    [Fact]
    public void VarintsRoundTripAndRejectOverlongEncodings()
    {
        Span<byte> buf = stackalloc byte[10];
        foreach (var v in new[] { 0, 1, -1, 63, -64, 64, 300, int.MaxValue, int.MinValue })
        {
            var n = Varint.WriteVarInt(buf, v);
            Assert.Equal(Varint.SizeOfVarInt(v), n);
            var pos = 0;
            Assert.True(Varint.TryReadVarInt(buf[..n], ref pos, out var back));
            Assert.Equal(v, back);
            Assert.Equal(n, pos);
        }
        foreach (var v in new[] { 0L, -1L, long.MaxValue, long.MinValue, 1L << 40 })
        {
            var n = Varint.WriteVarLong(buf, v);
            Assert.Equal(Varint.SizeOfVarLong(v), n);
            var pos = 0;
            Assert.True(Varint.TryReadVarLong(buf[..n], ref pos, out var back));
            Assert.Equal(v, back);
        }
        var p = 0;
        Assert.False(Varint.TryReadVarInt([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], ref p, out _));
        Assert.False(Varint.TryReadVarInt([0x80], ref p, out _));
        Assert.Equal(0, p);
    }
}
