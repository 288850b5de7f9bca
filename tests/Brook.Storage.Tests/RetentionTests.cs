using Brook.Common;

namespace Brook.Storage.Tests;

public sealed class RetentionTests : LogTestBase
{
    private static readonly int BatchSize = TestBatches.Build(1).Length;

    /// <summary>Two one-record batches per segment; retention off unless a test turns it on.</summary>
    private static LogConfig TwoPerSegment => LogConfig.Default with
    {
        SegmentBytes = BatchSize * 2,
        RetentionMs = -1,
        RetentionBytes = -1,
        FileDeleteDelayMs = 1000,
    };

    /// <summary>Appends <paramref name="count"/> one-record batches, the i-th stamped <c>firstTimestamp + i * 1000</c>.</summary>
    private static void AppendBatches(PartitionLog log, int count, long firstTimestamp)
    {
        for (var i = 0; i < count; i++) AppendOk(log, TestBatches.Build(1, baseTimestamp: firstTimestamp + i * 1000L));
    }

    private IEnumerable<string> Files(string suffix) =>
        Directory.EnumerateFiles(Dir).Select(p => Path.GetFileName(p)).Where(n => n.EndsWith(suffix, StringComparison.Ordinal));

    [Fact]
    public void Retention_by_time_deletes_closed_segments_whose_largest_timestamp_is_older_than_retention_ms()
    {
        using var log = Open(TwoPerSegment with { RetentionMs = 10_000 });
        var t0 = Time.NowMs;
        AppendBatches(log, 7, t0); // segments 0 (t0, t0+1s), 2, 4, active 6
        Assert.Equal([0L, 2, 4, 6], log.SegmentBaseOffsets);

        Time.Advance(TimeSpan.FromMilliseconds(10_000 + 1_500));
        var result = log.ApplyRetention(Time.NowMs);

        Assert.Equal(new RetentionResult(1, 0, 0, BatchSize * 2, 2), result);
        Assert.Equal([2L, 4, 6], log.SegmentBaseOffsets);
        Assert.Equal(2, log.LogStartOffset);
        Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(1, 1 << 20, long.MaxValue, true).Error);
        Assert.Equal(2, ReadAll(log, 2)[0].BaseOffset);
        Assert.Equal(2, AppendOk(log, TestBatches.Build(1, baseTimestamp: Time.NowMs)).LogStartOffset);

        // Everything is old now, but the active segment stays.
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, log.ApplyRetention(Time.NowMs).DeletedByTime);
        Assert.Equal([6L], log.SegmentBaseOffsets);
        Assert.Equal(6, log.LogStartOffset);
        Assert.Equal(8, log.LogEndOffset);
    }

    [Fact]
    public void Retention_by_time_keeps_a_segment_with_a_timestamp_in_the_future_and_everything_after_it()
    {
        using var log = Open(TwoPerSegment with { RetentionMs = 10_000 });
        var old = Time.NowMs - 60_000;
        AppendOk(log, TestBatches.Build(1, baseTimestamp: Time.NowMs + 3_600_000));
        AppendBatches(log, 4, old);
        Assert.Equal(0, log.ApplyRetention(Time.NowMs).SegmentsDeleted);
    }

    [Fact]
    public void Retention_by_size_deletes_oldest_segments_while_the_rest_stays_at_least_retention_bytes()
    {
        using var log = Open(TwoPerSegment with { RetentionBytes = BatchSize * 5L });
        AppendBatches(log, 9, Time.NowMs); // 0, 2, 4, 6 full; active 8 with one batch: 9 batches
        var result = log.ApplyRetention(Time.NowMs);

        Assert.Equal(new RetentionResult(0, 2, 0, BatchSize * 4, 4), result);
        Assert.Equal([4L, 6, 8], log.SegmentBaseOffsets);
        Assert.Equal(BatchSize * 5, log.SizeInBytes);
        Assert.Equal(0, log.ApplyRetention(Time.NowMs).SegmentsDeleted);
    }

    [Fact]
    public void The_active_segment_is_never_deleted()
    {
        using var log = Open(LogConfig.Default with { RetentionMs = 0, RetentionBytes = 0 });
        AppendBatches(log, 5, Time.NowMs - 3_600_000);
        Assert.Equal(0, log.ApplyRetention(Time.NowMs).SegmentsDeleted);
        Assert.Equal(5, ReadAll(log).Count);

        using var small = PartitionLog.Open(Temp.Sub("small"), TwoPerSegment with { RetentionBytes = 0 }, Logger, Time);
        AppendBatches(small, 5, Time.NowMs);
        Assert.Equal(2, small.ApplyRetention(Time.NowMs).DeletedBySize);
        Assert.Equal([4L], small.SegmentBaseOffsets);
    }

    [Fact]
    public void Segments_at_or_past_the_high_watermark_are_kept()
    {
        using var log = Open(TwoPerSegment with { RetentionBytes = 0 });
        AppendBatches(log, 7, Time.NowMs);
        Assert.Equal(1, log.ApplyRetention(Time.NowMs, highWatermark: 3).SegmentsDeleted);
        Assert.Equal([2L, 4, 6], log.SegmentBaseOffsets);
        Assert.Equal(2, log.ApplyRetention(Time.NowMs, highWatermark: 6).SegmentsDeleted);
        Assert.Equal([6L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void Time_and_size_retention_apply_only_with_the_delete_policy()
    {
        using var log = Open(TwoPerSegment with { RetentionMs = 0, RetentionBytes = 0, CleanupPolicy = CleanupPolicy.Compact });
        AppendBatches(log, 7, Time.NowMs - 3_600_000);
        Assert.Equal(0, log.ApplyRetention(Time.NowMs).SegmentsDeleted);

        log.Config = log.Config with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete };
        Assert.Equal(3, log.ApplyRetention(Time.NowMs).DeletedByTime);
    }

    [Fact]
    public void Deleted_segments_are_renamed_and_their_files_removed_after_file_delete_delay_ms()
    {
        using var log = Open(TwoPerSegment with { RetentionBytes = 0, FileDeleteDelayMs = 5_000 });
        AppendBatches(log, 5, Time.NowMs);
        // A fetch that read the first segment just before retention runs.
        var inFlight = log.Read(0, 1 << 20, long.MaxValue, true).Records;
        var expected = ReadAll(log, 0).Take(2).SelectMany(b => b.Bytes).ToArray();

        Assert.Equal(2, log.ApplyRetention(Time.NowMs).SegmentsDeleted);
        Assert.False(File.Exists(SegmentFile(0, ".log")));
        Assert.True(File.Exists(SegmentFile(0, ".log.deleted")));
        Assert.True(File.Exists(SegmentFile(0, ".index.deleted")));
        Assert.True(File.Exists(SegmentFile(2, ".log.deleted")));
        Assert.Equal(2, log.PendingSegmentDeletions);
        Assert.Equal(expected, inFlight.ToBytes()); // the open handle still serves the bytes

        Time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.True(File.Exists(SegmentFile(0, ".log.deleted")));
        Time.Advance(TimeSpan.FromMilliseconds(1)); // the log's timer fires
        Assert.Empty(Files(".deleted"));
        Assert.Equal(0, log.PendingSegmentDeletions);
        Assert.Equal(["00000000000000000004.log"], Files(".log"));
    }

    [Fact]
    public void Files_still_waiting_for_deletion_at_close_are_removed_by_the_next_open()
    {
        using (var log = Open(TwoPerSegment with { RetentionBytes = 0, FileDeleteDelayMs = 60_000 }))
        {
            AppendBatches(log, 5, Time.NowMs);
            log.ApplyRetention(Time.NowMs);
            Assert.NotEmpty(Files(".deleted"));
        }
        Assert.NotEmpty(Files(".deleted"));
        using (var log = Open(TwoPerSegment))
        {
            Assert.Empty(Files(".deleted"));
            Assert.Equal(4, log.LogStartOffset);
            Assert.Equal([4L], log.SegmentBaseOffsets);
            Assert.Empty(Logger.Warnings);
        }
    }

    [Fact]
    public async Task Reads_racing_with_deletion_never_throw()
    {
        using var log = Open(TwoPerSegment with { RetentionBytes = BatchSize * 4L, FileDeleteDelayMs = 0 });
        AppendBatches(log, 4, Time.NowMs);
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = log.Read(log.LogStartOffset, 1 << 20, long.MaxValue, true);
                Assert.True(result.Error is ErrorCode.None or ErrorCode.OffsetOutOfRange);
                if (result.Error == ErrorCode.None && result.Records.SizeInBytes > 0)
                {
                    try
                    {
                        TestBatches.Parse(result.Records.ToBytes());
                    }
                    catch (IOException)
                    {
                        // Copied after the file was deleted with file.delete.delay.ms = 0: reported, never torn bytes.
                    }
                }
                var byTime = log.OffsetForTimestamp(0);
                Assert.True(byTime is null || byTime.Value.Offset >= 0);
                Interlocked.Increment(ref reads);
            }
        });
        var appended = 0;
        while (appended < 300 || (Volatile.Read(ref reads) < 100 && appended < 100_000))
        {
            AppendBatches(log, 1, Time.NowMs);
            log.ApplyRetention(Time.NowMs);
            appended++;
        }
        await stop.CancelAsync();
        await reader;
        Assert.True(reads > 0);
        Assert.Equal(4 + appended, log.LogEndOffset);
        Assert.True(log.SizeInBytes >= BatchSize * 4L);
    }

    [Fact]
    public void DeleteRecords_moves_the_log_start_and_the_next_retention_pass_deletes_the_segments_below_it()
    {
        using var log = Open(TwoPerSegment);
        AppendBatches(log, 7, Time.NowMs);

        Assert.Equal(new DeleteRecordsResult(ErrorCode.None, 5), log.DeleteRecordsBefore(5));
        Assert.Equal(5, log.LogStartOffset);
        Assert.Equal([0L, 2, 4, 6], log.SegmentBaseOffsets);
        var below = log.Read(4, 1 << 20, long.MaxValue, true);
        Assert.Equal(ErrorCode.OffsetOutOfRange, below.Error);
        Assert.Equal(5, below.LogStartOffset);
        var at = log.Read(5, 1 << 20, long.MaxValue, true);
        Assert.Equal(ErrorCode.None, at.Error);
        Assert.Equal(5, TestBatches.Parse(at.Records.ToBytes())[0].BaseOffset);
        Assert.True(log.OffsetForTimestamp(0)!.Value.Offset >= 5);
        Assert.Equal(5, AppendOk(log, TestBatches.Build(1)).LogStartOffset);

        var result = log.ApplyRetention(Time.NowMs);
        Assert.Equal(new RetentionResult(0, 0, 2, BatchSize * 4, 5), result);
        Assert.Equal([4L, 6], log.SegmentBaseOffsets);
        Assert.Equal(5, log.LogStartOffset);
    }

    [Fact]
    public void DeleteRecords_answers_offset_out_of_range_past_the_high_watermark_and_ignores_offsets_below_the_start()
    {
        using var log = Open(TwoPerSegment);
        AppendBatches(log, 7, Time.NowMs);

        Assert.Equal(ErrorCode.OffsetOutOfRange, log.DeleteRecordsBefore(8).Error);
        var pastHighWatermark = log.DeleteRecordsBefore(6, highWatermark: 5);
        Assert.Equal((ErrorCode.OffsetOutOfRange, 0L), (pastHighWatermark.Error, pastHighWatermark.LowWatermark));
        Assert.Equal(ErrorCode.OffsetOutOfRange, log.DeleteRecordsBefore(-2).Error);
        Assert.Equal(0, log.LogStartOffset);

        Assert.Equal(new DeleteRecordsResult(ErrorCode.None, 3), log.DeleteRecordsBefore(3));
        Assert.Equal(new DeleteRecordsResult(ErrorCode.None, 3), log.DeleteRecordsBefore(1));
        Assert.Equal(new DeleteRecordsResult(ErrorCode.None, 5), log.DeleteRecordsBefore(-1, highWatermark: 5)); // -1 = high watermark
        Assert.Equal(new DeleteRecordsResult(ErrorCode.None, 7), log.DeleteRecordsBefore(7)); // the whole log
        Assert.Equal(ErrorCode.None, log.Read(7, 1 << 20, long.MaxValue, true).Error);
        Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(6, 1 << 20, long.MaxValue, true).Error);
        Assert.Equal(3, log.ApplyRetention(Time.NowMs).DeletedBelowLogStart);
        Assert.Equal([6L], log.SegmentBaseOffsets);
        Assert.Equal(7, log.LogStartOffset);
    }

    [Fact]
    public void DeleteRecords_is_a_policy_violation_without_the_delete_policy()
    {
        using var log = Open(TwoPerSegment with { CleanupPolicy = CleanupPolicy.Compact });
        AppendBatches(log, 3, Time.NowMs);
        var result = log.DeleteRecordsBefore(2);
        Assert.Equal(ErrorCode.PolicyViolation, result.Error);
        Assert.Equal(0, result.LowWatermark);
    }

    [Fact]
    public void DeleteRecords_moves_the_first_leader_epoch_to_the_new_start()
    {
        using var log = Open(TwoPerSegment);
        AppendBatches(log, 3, Time.NowMs);
        log.BeginLeaderEpoch(4);
        AppendBatches(log, 3, Time.NowMs);
        Assert.Equal([(3, 0L), (4, 3L)], log.LeaderEpochs);
        log.DeleteRecordsBefore(2);
        Assert.Equal([(3, 2L), (4, 3L)], log.LeaderEpochs);
        log.DeleteRecordsBefore(4);
        Assert.Equal([(4, 4L)], log.LeaderEpochs);
    }

    [Fact]
    public void The_log_start_offset_survives_a_clean_reopen_and_a_crash()
    {
        using (var log = Open(TwoPerSegment))
        {
            AppendBatches(log, 7, Time.NowMs);
            log.DeleteRecordsBefore(3);
        }
        using (var log = Open(TwoPerSegment))
        {
            Assert.Equal(3, log.LogStartOffset);
            Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(2, 1 << 20, long.MaxValue, true).Error);
            Assert.Equal(1, log.ApplyRetention(Time.NowMs).DeletedBelowLogStart);
        }
        using (var log = Open(TwoPerSegment))
        {
            Assert.Equal(3, log.LogStartOffset);
            Assert.Equal([2L, 4, 6], log.SegmentBaseOffsets);
        }

        var fs = new FaultInjectingFileSystem();
        var crashed = Open(TwoPerSegment, fs);
        crashed.DeleteRecordsBefore(5);
        Crash(crashed, fs);
        using (var log = Open(TwoPerSegment))
        {
            Assert.Equal(5, log.LogStartOffset);
            Assert.Equal(7, log.LogEndOffset);
        }
    }

    [Fact]
    public void A_compacted_log_rolls_within_max_compaction_lag_ms()
    {
        using var log = Open(LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, MaxCompactionLagMs = 500 });
        AppendOk(log, TestBatches.Build(1));
        Time.Advance(TimeSpan.FromMilliseconds(600));
        AppendOk(log, TestBatches.Build(1));
        Assert.Equal([0L, 1], log.SegmentBaseOffsets);
    }
}
