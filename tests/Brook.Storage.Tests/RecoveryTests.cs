using Brook.Common;

namespace Brook.Storage.Tests;

public sealed class RecoveryTests : LogTestBase
{
    private readonly LogConfig _smallSegments = LogConfig.Default with { SegmentBytes = 1000, IndexIntervalBytes = 100 };

    [Fact]
    public void Reopen_after_a_clean_close_keeps_everything_without_recovery()
    {
        List<(long, long, byte[])> before;
        using (var log = Open(_smallSegments))
        {
            for (var i = 0; i < 30; i++) AppendOk(log, TestBatches.Build(3, baseTimestamp: 100 * i));
            before = ReadAll(log);
            Assert.True(log.SegmentBaseOffsets.Count > 3);
        }
        Assert.True(File.Exists(Path.Combine(Dir, ".brook-clean-shutdown")));

        using (var log = Open(_smallSegments))
        {
            Assert.False(File.Exists(Path.Combine(Dir, ".brook-clean-shutdown")), "the marker is removed on open");
            Assert.Equal(90, log.LogEndOffset);
            Assert.Equal(90, log.RecoveryPoint);
            Assert.Equal(0, log.LogStartOffset);
            Assert.Equal(before.Select(b => b.Item3), ReadAll(log).Select(b => b.Bytes));
            Assert.Empty(Logger.Warnings);
            Assert.Equal(90, AppendOk(log, TestBatches.Build(1)).FirstOffset);
            Assert.Equal((60L, 2000L), log.OffsetForTimestamp(2000)!.Value);
        }
    }

    [Theory]
    [InlineData("torn")]
    [InlineData("garbage")]
    [InlineData("crc")]
    public void Reopen_after_a_crash_truncates_to_the_last_good_batch(string damage)
    {
        var fs = new FaultInjectingFileSystem();
        var log = Open(_smallSegments, fs);
        for (var i = 0; i < 10; i++) AppendOk(log, TestBatches.Build(2, valueSize: 30));
        var active = log.SegmentBaseOffsets[^1];
        var lastGood = log.LogEndOffset;
        var goodLength = new FileInfo(SegmentFile(active, ".log")).Length;
        AppendOk(log, TestBatches.Build(2, valueSize: 30));
        Crash(log, fs);

        var path = SegmentFile(active, ".log");
        using (var file = File.Open(path, FileMode.Open))
        {
            switch (damage)
            {
                case "torn":
                    file.SetLength(goodLength + 40);
                    break;
                case "garbage":
                    file.SetLength(goodLength);
                    file.Seek(0, SeekOrigin.End);
                    file.Write(Enumerable.Repeat((byte)0x5a, 300).ToArray());
                    break;
                case "crc":
                    file.Seek(goodLength + 70, SeekOrigin.Begin);
                    var b = file.ReadByte();
                    file.Seek(-1, SeekOrigin.Current);
                    file.WriteByte((byte)(b ^ 0xff));
                    break;
            }
        }

        using var reopened = Open(_smallSegments);
        Assert.Equal(lastGood, reopened.LogEndOffset);
        Assert.Equal(goodLength, new FileInfo(path).Length);
        Assert.Contains(Logger.Warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal(lastGood, ReadAll(reopened)[^1].LastOffset + 1);
        Assert.Equal(lastGood, AppendOk(reopened, TestBatches.Build(1)).FirstOffset);
    }

    [Fact]
    public void A_write_torn_by_a_crash_is_reported_and_dropped_on_recovery()
    {
        var fs = new FaultInjectingFileSystem();
        var log = Open(LogConfig.Default, fs);
        AppendOk(log, TestBatches.Build(3));
        fs.TearNextLogWriteAfter = 25;
        var failed = Append(log, TestBatches.Build(3));
        Assert.Equal(ErrorCode.KafkaStorageError, failed.Error);
        Assert.Equal(3, log.LogEndOffset);
        log.Dispose();
        Assert.False(File.Exists(Path.Combine(Dir, ".brook-clean-shutdown")));

        using var reopened = Open();
        Assert.Equal(3, reopened.LogEndOffset);
        Assert.Single(ReadAll(reopened));
        Assert.Contains(Logger.Warnings, w => w.Contains("truncated 25 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Damage_in_an_unsynced_earlier_segment_drops_everything_after_it()
    {
        // No checkpoint covers the segments (it is deleted), so all of them are validated.
        var fs = new FaultInjectingFileSystem();
        var log = Open(_smallSegments, fs);
        for (var i = 0; i < 30; i++) AppendOk(log, TestBatches.Build(2, valueSize: 30));
        var segments = log.SegmentBaseOffsets;
        Crash(log, fs);
        File.Delete(Path.Combine(Dir, "recovery-point-offset-checkpoint"));
        var second = SegmentFile(segments[1], ".log");
        using (var file = File.Open(second, FileMode.Open)) file.SetLength(file.Length - 10);

        using var reopened = Open(_smallSegments);
        Assert.Equal([segments[0], segments[1]], reopened.SegmentBaseOffsets);
        Assert.False(File.Exists(SegmentFile(segments[2], ".log")));
        Assert.Equal(reopened.LogEndOffset, ReadAll(reopened)[^1].LastOffset + 1);
        Assert.True(reopened.LogEndOffset < segments[2]);
    }

    [Fact]
    public void Sealed_segments_before_the_checkpoint_are_not_revalidated()
    {
        var fs = new FaultInjectingFileSystem();
        var log = Open(_smallSegments, fs);
        for (var i = 0; i < 30; i++) AppendOk(log, TestBatches.Build(2, valueSize: 30));
        var end = log.LogEndOffset;
        var segments = log.SegmentBaseOffsets;
        // The rolls' fsyncs run off the append path: the checkpoint covers the sealed segments once they are done.
        Assert.True(SpinWait.SpinUntil(() => log.RecoveryPoint >= segments[^1], TimeSpan.FromSeconds(10)), $"recovery point {log.RecoveryPoint}");
        Crash(log, fs);
        // A bad CRC in a sealed segment is not looked for (recovery covers only unsynced segments), so nothing is cut.
        using (var file = File.Open(SegmentFile(segments[0], ".log"), FileMode.Open))
        {
            file.Seek(100, SeekOrigin.Begin);
            file.WriteByte(0xee);
        }

        using var reopened = Open(_smallSegments);
        Assert.Equal(end, reopened.LogEndOffset);
        Assert.Equal(segments, reopened.SegmentBaseOffsets);
    }

    [Fact]
    public void A_crash_before_the_rolls_flushes_ran_recovers_every_record()
    {
        // Slow fsyncs keep the rolls' background flushes pending when the process dies: the checkpoint on disk is
        // still older than the rolls, and recovery must rebuild everything above it, producer state included.
        var fs = new FaultInjectingFileSystem { FlushDelay = TimeSpan.FromMilliseconds(200) };
        var log = Open(_smallSegments, fs);
        for (var i = 0; i < 30; i++) AppendOk(log, TestBatches.Build(3, baseTimestamp: 100 * i));
        var before = ReadAll(log);
        var segments = log.SegmentBaseOffsets;
        Assert.True(segments.Count > 3);
        Assert.True(log.RecoveryPoint < segments[^1], "the rolls' flushes had already run");
        Crash(log, fs);

        using var reopened = Open(_smallSegments);
        Assert.Equal(90, reopened.LogEndOffset);
        Assert.Equal(segments, reopened.SegmentBaseOffsets);
        Assert.Equal(before.Select(b => b.Item3), ReadAll(reopened).Select(b => b.Bytes));
        Assert.Equal(90, AppendOk(reopened, TestBatches.Build(1)).FirstOffset);
    }

    [Theory]
    [InlineData(".index", "missing")]
    [InlineData(".timeindex", "missing")]
    [InlineData(".index", "corrupt")]
    [InlineData(".index", "wrong")]
    public void Missing_or_corrupt_index_files_are_rebuilt(string suffix, string damage)
    {
        long end;
        IReadOnlyList<long> segments;
        using (var log = Open(_smallSegments))
        {
            for (var i = 0; i < 30; i++) AppendOk(log, TestBatches.Build(2, baseTimestamp: 1000 * i, valueSize: 30));
            end = log.LogEndOffset;
            segments = log.SegmentBaseOffsets;
        }
        var path = SegmentFile(segments[1], suffix);
        var original = File.ReadAllBytes(path);
        Assert.NotEmpty(original);
        switch (damage)
        {
            case "missing": File.Delete(path); break;
            case "corrupt": File.WriteAllBytes(path, [1, 2, 3]); break;
            case "wrong":
                // Well-formed but pointing into the middle of a batch.
                var bytes = (byte[])original.Clone();
                bytes[^1] ^= 0x01;
                File.WriteAllBytes(path, bytes);
                break;
        }

        using (var log = Open(_smallSegments))
        {
            Assert.Equal(end, log.LogEndOffset);
            Assert.Equal(segments, log.SegmentBaseOffsets);
            Assert.Contains(Logger.Warnings, w => w.Contains("Index files", StringComparison.Ordinal));
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal(end, ReadAll(log)[^1].LastOffset + 1);
            Assert.Equal((segments[1] + 2, 1000L * (segments[1] / 2 + 1)), log.OffsetForTimestamp(1000 * (segments[1] / 2 + 1))!.Value);
        }
    }

    [Fact]
    public void A_brand_new_directory_starts_empty_at_offset_zero()
    {
        using var log = Open();
        Assert.Equal((0L, 0L, 0L), (log.LogStartOffset, log.LogEndOffset, log.RecoveryPoint));
        Assert.Equal(0, log.Read(0, 100, long.MaxValue, true).Records.SizeInBytes);
        Assert.Null(log.OffsetForTimestamp(0));
        Assert.Equal((-1L, -1L), log.MaxTimestampAndOffset);
    }
}
