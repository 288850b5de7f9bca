using System.Diagnostics;
using Brook.Common;
using Brook.Storage.IO;

namespace Brook.Storage.Tests;

/// <summary>
/// Bounded write-back (brook.log.writeback.interval.bytes): appended segment bytes are handed to the kernel as they
/// accumulate, so a segment never holds more than about two intervals of dirty pages, and nothing about what is
/// appended, read back, truncated or recovered changes. The page counts come from the kernel (cachestat).
/// </summary>
public sealed class WriteBackTests : LogTestBase
{
    private const long Interval = 256 * 1024;
    private static readonly long PageSize = LogWriteBack.PageSize;

    /// <summary>A ~64 KiB batch: 64 records of 1000 bytes.</summary>
    private static byte[] LargeBatch() => TestBatches.Build(64, valueSize: 1000);

    [Fact]
    public void Appends_are_handed_to_write_back_so_at_most_two_intervals_of_a_segment_stay_dirty()
    {
        using var writeBack = new LogWriteBack(Interval);
        using var log = Open(LogConfig.Default, new PhysicalLogFileSystem(writeBack));
        var batch = LargeBatch();
        for (var i = 0; i < 128; i++) AppendOk(log, batch); // 8 MiB
        var written = (long)batch.Length * 128;
        WaitUntilIdle(writeBack);

        Assert.InRange(writeBack.BytesStarted, written - Interval - PageSize, written);
        Assert.InRange(writeBack.BytesCompleted, written - 2 * Interval - PageSize, written);
        if (PageCacheStat.Of(SegmentFile(0, ".log")) is { } pages)
            Assert.InRange(pages.Dirty, 0UL, (ulong)(2 * Interval / PageSize + 2));
        Assert.Equal(128, ReadAll(log).Count);
    }

    [Fact]
    public void Without_write_back_the_same_appends_leave_the_whole_segment_dirty()
    {
        // The control for the test above: it shows cachestat sees the dirty pages that write-back avoids.
        using var log = Open(LogConfig.Default, PhysicalLogFileSystem.Instance);
        var batch = LargeBatch();
        for (var i = 0; i < 128; i++) AppendOk(log, batch);
        if (PageCacheStat.Of(SegmentFile(0, ".log")) is not { } pages) return; // cachestat(2) needs Linux 6.5 or later
        Assert.True(pages.Dirty > (ulong)(8 * Interval / PageSize),
            $"only {pages.Dirty} of {batch.Length * 128 / PageSize} pages are dirty: the kernel wrote them back by itself");
    }

    [Fact]
    public void A_truncation_below_what_was_handed_over_restarts_write_back_there_and_loses_nothing()
    {
        using var writeBack = new LogWriteBack(Interval);
        var fs = new PhysicalLogFileSystem(writeBack);
        var batch = LargeBatch();
        using (var log = Open(LogConfig.Default, fs))
        {
            for (var i = 0; i < 64; i++) AppendOk(log, batch);
            WaitUntilIdle(writeBack);
            log.TruncateTo(32 * 64); // back to batch 32, below everything handed over since
            for (var i = 0; i < 64; i++) AppendOk(log, batch);
            WaitUntilIdle(writeBack);
            var started = writeBack.BytesStarted;
            Assert.True(started >= (64 + 32) * (long)batch.Length - 2 * Interval,
                $"{started} bytes handed over; the 32 rewritten batches were not handed over again");
            if (PageCacheStat.Of(SegmentFile(0, ".log")) is { } pages)
                Assert.InRange(pages.Dirty, 0UL, (ulong)(2 * Interval / PageSize + 2));
        }
        using var reopened = Open();
        Assert.Equal(96 * 64, reopened.LogEndOffset);
        Assert.Equal(Enumerable.Range(0, 96).Select(i => i * 64L), ReadAll(reopened).Select(b => b.BaseOffset));
    }

    [Fact]
    public void A_torn_write_with_write_back_on_is_dropped_on_recovery_as_without_it()
    {
        using var writeBack = new LogWriteBack(Interval);
        var fs = new FaultInjectingFileSystem(new PhysicalLogFileSystem(writeBack));
        var log = Open(LogConfig.Default, fs);
        var batch = LargeBatch();
        for (var i = 0; i < 20; i++) AppendOk(log, batch);
        fs.TearNextLogWriteAfter = batch.Length / 2;
        Assert.Equal(ErrorCode.KafkaStorageError, Append(log, batch).Error);
        log.Dispose();

        using var reopened = Open();
        Assert.Equal(20 * 64, reopened.LogEndOffset);
        Assert.Equal(20, ReadAll(reopened).Count);
        Assert.Contains(Logger.Warnings, w => w.Contains($"truncated {batch.Length / 2} bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Closed_segments_and_a_stopped_write_back_neither_fail_nor_block_appends()
    {
        var writeBack = new LogWriteBack(Interval);
        var fs = new PhysicalLogFileSystem(writeBack);
        var batch = LargeBatch();
        using (var log = Open(LogConfig.Default, fs))
            for (var i = 0; i < 32; i++) AppendOk(log, batch); // closed at once, with ranges still queued
        writeBack.Dispose(); // finishes the queue on handles it kept open, then stops
        Assert.Equal(0, writeBack.Backlog);

        using var reopened = Open(LogConfig.Default, fs);
        for (var i = 0; i < 32; i++) AppendOk(reopened, batch); // handed to a stopped write-back: ignored
        Assert.Equal(0, writeBack.Backlog);
        Assert.Equal(64, ReadAll(reopened).Count);
    }

    private static void WaitUntilIdle(LogWriteBack writeBack)
    {
        var clock = Stopwatch.StartNew();
        while (writeBack.Backlog > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"write-back still has {writeBack.Backlog} ranges after 30 s");
            Thread.Sleep(5);
        }
    }
}
