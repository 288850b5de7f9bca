namespace Brook.Storage.Tests;

public sealed class RollTests : LogTestBase
{
    [Fact]
    public void Segments_roll_when_the_next_append_would_pass_segment_bytes()
    {
        var size = TestBatches.Build(2).Length;
        using var log = Open(LogConfig.Default with { SegmentBytes = size * 3 });
        for (var i = 0; i < 10; i++) AppendOk(log, TestBatches.Build(2));

        Assert.Equal([0L, 6, 12, 18], log.SegmentBaseOffsets);
        Assert.True(File.Exists(SegmentFile(6, ".log")));
        Assert.Equal(size * 3, new FileInfo(SegmentFile(0, ".log")).Length);
        Assert.True(File.Exists(SegmentFile(0, ".index")), "a rolled segment's index is written");
        Assert.True(File.Exists(SegmentFile(0, ".timeindex")));
        Assert.True(File.Exists(SegmentFile(18, ".snapshot")), "producer state is snapshotted on roll");
        Assert.True(File.Exists(SegmentFile(12, ".snapshot")));
        Assert.False(File.Exists(SegmentFile(6, ".snapshot")), "only the newest two snapshots are kept");

        // A read stops at the end of a segment; the next read continues in the next one.
        var first = log.Read(0, 1 << 20, long.MaxValue, true);
        Assert.Equal(size * 3, first.Records.SizeInBytes);
        Assert.Equal(12, TestBatches.Parse(log.Read(12, 1 << 20, long.MaxValue, true).Records.ToBytes())[0].BaseOffset);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2L), ReadAll(log).Select(b => b.BaseOffset));
        // A roll's fsync of the old segments runs off the append path; the recovery point follows once it is done.
        Assert.True(SpinWait.SpinUntil(() => log.RecoveryPoint == 18, TimeSpan.FromSeconds(10)), $"recovery point {log.RecoveryPoint}");
        // The checkpoint file follows too: its first 8 bytes are the recovery point, big-endian.
        Assert.True(SpinWait.SpinUntil(() => RecoveryCheckpoint() == 18, TimeSpan.FromSeconds(10)), $"checkpoint {RecoveryCheckpoint()}");
    }

    [Fact]
    public void Segments_roll_when_segment_ms_has_passed_since_the_first_batch()
    {
        using var log = Open(LogConfig.Default with { SegmentMs = 1000 });
        AppendOk(log, TestBatches.Build(1));
        Time.Advance(TimeSpan.FromMilliseconds(600));
        AppendOk(log, TestBatches.Build(1));
        Time.Advance(TimeSpan.FromMilliseconds(600));
        AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L, 2], log.SegmentBaseOffsets);

        Time.Advance(TimeSpan.FromMilliseconds(900));
        AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L, 2], log.SegmentBaseOffsets);
        Time.Advance(TimeSpan.FromMilliseconds(200));
        AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L, 2, 4], log.SegmentBaseOffsets);
    }

    [Fact]
    public void An_empty_segment_never_rolls_on_time()
    {
        using var log = Open(LogConfig.Default with { SegmentMs = 10 });
        Time.Advance(TimeSpan.FromHours(1));
        AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void Segments_roll_when_the_index_is_full()
    {
        // Three offset-index entries (or two time-index entries) fit; every batch but a segment's first gets an offset
        // entry, and a time entry only when the largest timestamp grows (never here: all batches share it).
        using var log = Open(LogConfig.Default with { IndexIntervalBytes = 1, SegmentIndexBytes = 24 });
        for (var i = 0; i < 9; i++) AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L, 4, 8], log.SegmentBaseOffsets);
        Assert.Equal(9, ReadAll(log).Count);

        // Growing timestamps fill the two-entry time index first.
        using var byTime = PartitionLog.Open(Temp.Sub("by-time"), LogConfig.Default with { IndexIntervalBytes = 1, SegmentIndexBytes = 24 }, Logger, Time);
        for (var i = 0; i < 7; i++) AppendOk(byTime, TestBatches.Build(1, baseTimestamp: 100 * i));
        Assert.Equal([0L, 3, 6], byTime.SegmentBaseOffsets);
    }

    [Fact]
    public void A_record_set_larger_than_a_segment_is_rejected()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 100 });
        Assert.Equal(Common.ErrorCode.RecordListTooLarge, Append(log, TestBatches.Build(5)).Error);
    }

    private long RecoveryCheckpoint()
    {
        var path = Path.Combine(Dir, "recovery-point-offset-checkpoint");
        return File.Exists(path) ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(File.ReadAllBytes(path)) : -1;
    }
}
