using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

public sealed class TimestampTests : LogTestBase
{
    [Fact]
    public void Finds_the_first_record_at_or_after_a_timestamp()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(3, timestampOf: i => 100 + 10 * i)); // 0-2: 100 110 120
        AppendOk(log, TestBatches.Build(3, timestampOf: i => 200 + 10 * i)); // 3-5: 200 210 220
        AppendOk(log, TestBatches.Build(2, timestampOf: i => 150 - i));      // 6-7: 150 149 (out of order)

        Assert.Equal((0L, 100L), log.OffsetForTimestamp(0)!.Value);
        Assert.Equal((0L, 100L), log.OffsetForTimestamp(100)!.Value);
        Assert.Equal((1L, 110L), log.OffsetForTimestamp(105)!.Value);
        Assert.Equal((3L, 200L), log.OffsetForTimestamp(121)!.Value);
        Assert.Equal((5L, 220L), log.OffsetForTimestamp(220)!.Value);
        Assert.Null(log.OffsetForTimestamp(221));
        Assert.Equal((5L, 220L), log.MaxTimestampAndOffset);
    }

    [Fact]
    public void Uses_the_indexes_across_many_segments()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 2000, IndexIntervalBytes = 200 });
        for (var i = 0; i < 200; i++) AppendOk(log, TestBatches.Build(2, timestampOf: r => 1000 * i + 500 * r));
        Assert.True(log.SegmentBaseOffsets.Count > 5);

        for (var i = 0; i < 200; i += 7)
        {
            Assert.Equal((2L * i, 1000L * i), log.OffsetForTimestamp(1000 * i)!.Value);
            Assert.Equal((2L * i + 1, 1000L * i + 500), log.OffsetForTimestamp(1000 * i + 1)!.Value);
        }
        Assert.Equal((399L, 199_500L), log.MaxTimestampAndOffset);
    }

    [Fact]
    public void Compressed_and_log_append_time_batches_answer_with_their_base_offset()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(4, timestampOf: i => 100 + i, attributes: (short)CompressionType.Lz4)); // 0-3, compressed
        AppendOk(log, TestBatches.Build(4, timestampOf: i => 1 + i), logAppendTime: 5000);                      // 4-7, stamped 5000

        Assert.Equal((0L, 100L), log.OffsetForTimestamp(50)!.Value);
        Assert.Equal((0L, 103L), log.OffsetForTimestamp(102)!.Value);
        Assert.Equal((4L, 5000L), log.OffsetForTimestamp(104)!.Value);
        Assert.Equal((4L, 5000L), log.MaxTimestampAndOffset);
    }

    [Fact]
    public void Max_timestamp_picks_the_first_record_carrying_it()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(3, timestampOf: i => i == 1 ? 900 : 10)); // max at offset 1
        AppendOk(log, TestBatches.Build(2, timestampOf: _ => 900));                // same max later
        AppendOk(log, TestBatches.Build(2, timestampOf: _ => 20));
        Assert.Equal((1L, 900L), log.MaxTimestampAndOffset);
    }
}
