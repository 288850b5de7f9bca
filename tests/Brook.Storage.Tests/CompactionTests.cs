using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage.Compaction;

namespace Brook.Storage.Tests;

public sealed class CompactionTests : LogTestBase
{
    private static readonly LogConfig Compacted = LogConfig.Default with
    {
        CleanupPolicy = CleanupPolicy.Compact,
        SegmentBytes = 2048,
        SegmentMs = 1000,
        IndexIntervalBytes = 256,
        DeleteRetentionMs = 60_000,
        FileDeleteDelayMs = 0,
    };

    /// <summary>Per key, the offset and value of its latest record: what a compacted log must end up holding.</summary>
    private readonly Dictionary<string, (long Offset, string? Value)> _latest = [];

    private LogCleaner Cleaner => new(LogCleanerOptions.Default, Logger);

    private AppendResult AppendTracked(PartitionLog log, byte[] batch, IReadOnlyList<(string Key, string? Value)> records)
    {
        var result = AppendOk(log, batch);
        for (var i = 0; i < records.Count; i++) _latest[records[i].Key] = (result.FirstOffset + i, records[i].Value);
        return result;
    }

    private AppendResult AppendTracked(PartitionLog log, params (string Key, string? Value)[] records) =>
        AppendTracked(log, KeyedRecords.Batch(Time.NowMs, records), records);

    private int _rolls;

    /// <summary>
    /// Closes the active segment: segment.ms passes, then a record of a key of its own starts a new one (its own key so
    /// that the model stays exact: a key's older versions outside the cleanable range are not compacted yet).
    /// </summary>
    private AppendResult Roll(PartitionLog log)
    {
        Time.Advance(TimeSpan.FromMilliseconds(log.Config.SegmentMs + 1));
        return AppendTracked(log, ($"~roll-{_rolls++}", "x"));
    }

    /// <summary>The log holds exactly the latest record of every key (tombstones too unless dropped), in offset order.</summary>
    private void AssertHoldsLatest(PartitionLog log, bool tombstones)
    {
        var expected = _latest.Where(e => tombstones || e.Value.Value is not null)
            .Select(e => (e.Value.Offset, e.Key, e.Value.Value)).OrderBy(e => e.Offset).ToList();
        var actual = KeyedRecords.ReadRecords(log).Select(r => (r.Offset, r.Key, r.Value)).ToList();
        Assert.Equal(expected, actual);
    }

    private long LogBytesOnDisk(string? dir = null) =>
        Directory.EnumerateFiles(dir ?? Dir, "*.log").Sum(f => new FileInfo(f).Length);

    private IEnumerable<string> StagedFiles() =>
        Directory.EnumerateFiles(Dir).Select(p => Path.GetFileName(p))
            .Where(n => n.EndsWith(".cleaned", StringComparison.Ordinal) || n.EndsWith(".swap", StringComparison.Ordinal)
                || n.EndsWith(".deleted", StringComparison.Ordinal));

    private static (string Key, string? Value)[] Versions(int firstKey, int count, int version) =>
        [.. Enumerable.Range(firstKey, count).Select(k => ($"key-{k}", (string?)$"value-{k}-v{version}"))];

    [Fact]
    public void Compaction_keeps_the_latest_value_of_each_key_at_its_offset_and_later_drops_tombstones()
    {
        using var log = Open(Compacted);
        for (var version = 0; version < 10; version++)
            for (var chunk = 0; chunk < 10; chunk++) AppendTracked(log, Versions(chunk * 10, 10, version));
        AppendTracked(log, [.. Enumerable.Range(0, 20).Select(k => ($"key-{k}", (string?)null))]);
        Roll(log);
        var segmentsBefore = log.SegmentBaseOffsets.Count;
        var bytesBefore = LogBytesOnDisk();
        Assert.Equal(1021, KeyedRecords.ReadRecords(log).Count);
        Assert.True(segmentsBefore > 10);

        var inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.True(inspection.NeedsCleaning, inspection.Reason);
        Assert.Equal((0L, 1020L, 1.0), (inspection.FirstDirtyOffset, inspection.FirstUncleanableOffset, inspection.DirtyRatio));

        var result = Cleaner.Clean(log, Time.NowMs);
        Assert.Equal(LogCleanOutcome.Cleaned, result.Outcome);
        Assert.Equal((100L, 920L, 0L), (result.RecordsKept, result.RecordsRemoved, result.TombstonesRemoved));
        Assert.Equal(1020, result.EndOffset);
        Assert.Equal(segmentsBefore - 1, result.SegmentsRead);
        Assert.True(result.BytesWritten < result.BytesRead / 5);
        AssertHoldsLatest(log, tombstones: true);
        Assert.True(LogBytesOnDisk() < bytesBefore / 5, $"{LogBytesOnDisk()} bytes on disk, {bytesBefore} before");
        Assert.True(log.SegmentBaseOffsets.Count < segmentsBefore);
        Assert.Equal(0, log.SegmentBaseOffsets[0]);
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(1020, log.CleanerCheckpoint);
        Assert.Empty(StagedFiles());

        // Compacted again right away: nothing is dirty and the tombstones are not due yet.
        Assert.False(Cleaner.NeedsCleaning(log, Time.NowMs));
        Assert.Equal(LogCleanOutcome.NotNeeded, Cleaner.Clean(log, Time.NowMs).Outcome);

        Time.Advance(TimeSpan.FromMilliseconds(Compacted.DeleteRetentionMs + 1));
        inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.True(inspection.NeedsCleaning, inspection.Reason);
        Assert.Contains("delete horizon", inspection.Reason);
        result = Cleaner.Clean(log, Time.NowMs);
        Assert.Equal((80L, 20L, 20L), (result.RecordsKept, result.RecordsRemoved, result.TombstonesRemoved));
        AssertHoldsLatest(log, tombstones: false);
        Assert.False(Cleaner.NeedsCleaning(log, Time.NowMs));
    }

    [Fact]
    public void Tombstones_survive_delete_retention_ms_from_the_pass_that_first_kept_them()
    {
        using var log = Open(Compacted);
        AppendTracked(log, Versions(0, 10, 0));
        AppendTracked(log, ("key-3", null));
        Roll(log);
        Cleaner.Clean(log, Time.NowMs);
        var stamped = new RecordBatchHeader(KeyedRecords.ReadBatches(log).Single(b => new RecordBatchHeader(b).BaseOffset == 10));
        Assert.NotEqual(0, stamped.Attributes & RecordBatchHeader.DeleteHorizonBit);
        Assert.Equal(Time.NowMs + Compacted.DeleteRetentionMs, stamped.BaseTimestamp);
        var tombstone = KeyedRecords.ReadRecords(log).Single(r => r.Value is null);
        Assert.Equal(Time.NowMs - Compacted.SegmentMs - 1, tombstone.Timestamp); // record timestamps survive the new base

        Time.Advance(TimeSpan.FromMilliseconds(Compacted.DeleteRetentionMs - 1));
        Cleaner.Clean(log, Time.NowMs, force: true);
        Assert.Contains(KeyedRecords.ReadRecords(log), r => r.Value is null);

        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Cleaner.Clean(log, Time.NowMs).TombstonesRemoved);
        AssertHoldsLatest(log, tombstones: false);
    }

    [Fact]
    public void Records_younger_than_min_compaction_lag_ms_are_not_compacted()
    {
        using var log = Open(Compacted with { MinCompactionLagMs = 600_000 });
        for (var version = 0; version < 3; version++) AppendTracked(log, Versions(0, 20, version));
        Roll(log);

        var inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.False(inspection.NeedsCleaning);
        Assert.Equal(0, inspection.FirstUncleanableOffset);
        Assert.Equal(LogCleanOutcome.NotNeeded, Cleaner.Clean(log, Time.NowMs).Outcome);
        var forced = Cleaner.Clean(log, Time.NowMs, force: true);
        Assert.Equal(0, forced.RecordsRemoved);
        Assert.Equal(61, KeyedRecords.ReadRecords(log).Count);

        // Older segments become cleanable, a newer one does not, and its records do not count as later versions yet.
        Time.Advance(TimeSpan.FromMinutes(20));
        var newer = AppendTracked(log, Versions(0, 20, 3));
        Roll(log);
        inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.True(inspection.NeedsCleaning, inspection.Reason);
        Assert.Equal(newer.FirstOffset, inspection.FirstUncleanableOffset);
        var result = Cleaner.Clean(log, Time.NowMs);
        Assert.Equal(40, result.RecordsRemoved);
        var records = KeyedRecords.ReadRecords(log);
        Assert.Equal(2, records.Count(r => r.Key == "key-5"));
        Assert.Equal(["value-5-v2", "value-5-v3"], records.Where(r => r.Key == "key-5").Select(r => r.Value));

        Time.Advance(TimeSpan.FromMinutes(20));
        Roll(log);
        Cleaner.Clean(log, Time.NowMs, force: true);
        AssertHoldsLatest(log, tombstones: true);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Compressed_batches_are_rewritten_with_their_codec(CompressionType codec)
    {
        using var log = Open(Compacted);
        for (var i = 0; i < 15; i++)
        {
            (string, string?)[] records = [.. Enumerable.Range(0, 10).Select(j => ($"key-{(i * 7 + j) % 30}", (string?)$"v{i}-{j}"))];
            AppendTracked(log, KeyedRecords.Batch(Time.NowMs, records, codec), records);
        }
        Roll(log);

        var result = Cleaner.Clean(log, Time.NowMs, force: true);
        Assert.Equal(LogCleanOutcome.Cleaned, result.Outcome);
        Assert.Equal(30, result.RecordsKept);
        AssertHoldsLatest(log, tombstones: true);
        var headers = KeyedRecords.ReadBatches(log).Where(b => new RecordBatchHeader(b).BaseOffset < 150).ToList();
        Assert.All(headers, b => Assert.Equal(codec, new RecordBatchHeader(b).Compression));
        // Some batches lost records yet keep their offset range.
        Assert.Contains(headers, b => new RecordBatchHeader(b).RecordCount is > 0 and < 10 && new RecordBatchHeader(b).LastOffsetDelta == 9);
    }

    [Fact]
    public void Idempotent_producer_batches_keep_their_producer_fields_and_offset_range()
    {
        using (var log = Open(Compacted))
        {
            (string, string?)[] first = [("a", "1"), ("b", "1"), ("c", "1")];
            (string, string?)[] second = [("d", "1"), ("e", "1")];
            AppendTracked(log, KeyedRecords.Batch(Time.NowMs, first, producerId: 7, producerEpoch: 2, baseSequence: 0), first);
            AppendTracked(log, KeyedRecords.Batch(Time.NowMs, second, producerId: 7, producerEpoch: 2, baseSequence: 3), second);
            AppendTracked(log, ("a", "2"), ("d", "2"), ("e", "2"));
            Roll(log);

            Cleaner.Clean(log, Time.NowMs, force: true);
            AssertHoldsLatest(log, tombstones: true);
            var batches = KeyedRecords.ReadBatches(log).Select(b => b.ToArray()).ToList();

            var partial = new RecordBatchHeader(batches[0]);
            Assert.Equal((0L, 2, 7L, (short)2, 0, 2, 2), (partial.BaseOffset, partial.LastOffsetDelta, partial.ProducerId, partial.ProducerEpoch,
                partial.BaseSequence, partial.LastSequence, partial.RecordCount));
            using var scratch = new PooledBufferWriter();
            var offsets = new List<long>();
            foreach (var r in RecordReader.ForBatch(batches[0], scratch)) offsets.Add(r.Offset);
            Assert.Equal([1L, 2], offsets);

            // The producer's latest batch lost every record but stays as an empty batch: its sequence numbers survive.
            var empty = new RecordBatchHeader(batches[1]);
            Assert.Equal((3L, 4L, 7L, 3, 4, 0), (empty.BaseOffset, empty.LastOffset, empty.ProducerId, empty.BaseSequence, empty.LastSequence, empty.RecordCount));
        }

        // Rebuilt from the compacted log alone, producer state still recognises a retry of the emptied batch.
        foreach (var snapshot in Directory.EnumerateFiles(Dir, "*.snapshot")) File.Delete(snapshot);
        using (var log = Open(Compacted))
        {
            var retry = log.Append(KeyedRecords.Batch(Time.NowMs, [("d", "1"), ("e", "1")], producerId: 7, producerEpoch: 2, baseSequence: 3), 3, null);
            Assert.True(retry.Duplicate);
            Assert.Equal((3L, 4L), (retry.FirstOffset, retry.LastOffset));
        }
    }

    [Fact]
    public void Control_batches_are_kept_as_they_are_and_keyless_records_are_dropped()
    {
        using var log = Open(Compacted);
        AppendTracked(log, ("a", "1"));
        var marker = ControlRecord.BuildEndTxnMarkerBatch(ControlRecordType.Commit, producerId: 9, producerEpoch: 0, coordinatorEpoch: 1, timestamp: Time.NowMs);
        var markerOffset = AppendOk(log, marker).FirstOffset;
        var stored = KeyedRecords.ReadBatches(log).Single(b => new RecordBatchHeader(b).IsControl);
        AppendOk(log, TestBatches.Build(2)); // keyless: a compacted log cannot keep them
        AppendTracked(log, ("a", "2"));
        Roll(log);

        var result = Cleaner.Clean(log, Time.NowMs, force: true);
        Assert.Equal(3, result.RecordsRemoved);
        var control = KeyedRecords.ReadBatches(log).Single(b => new RecordBatchHeader(b).IsControl);
        Assert.Equal(stored, control);
        Assert.Equal(markerOffset, new RecordBatchHeader(control).BaseOffset);
        AssertHoldsLatest(log, tombstones: true);
    }

    [Fact]
    public void Cleaning_waits_for_min_cleanable_dirty_ratio_unless_max_compaction_lag_ms_passed()
    {
        using var log = Open(Compacted);
        for (var version = 0; version < 4; version++) AppendTracked(log, Versions(0, 50, version));
        Roll(log);
        Assert.Equal(LogCleanOutcome.Cleaned, Cleaner.Clean(log, Time.NowMs).Outcome);

        AppendTracked(log, Versions(0, 3, 9));
        Roll(log);
        var inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.False(inspection.NeedsCleaning);
        Assert.InRange(inspection.DirtyRatio, 0.01, 0.5);
        Assert.Equal(LogCleanOutcome.NotNeeded, Cleaner.Clean(log, Time.NowMs).Outcome);

        log.Config = log.Config with { MaxCompactionLagMs = 10_000 };
        Time.Advance(TimeSpan.FromSeconds(11));
        inspection = Cleaner.Inspect(log, Time.NowMs);
        Assert.True(inspection.NeedsCleaning, inspection.Reason);
        Assert.Contains("max.compaction.lag.ms", inspection.Reason);
        Assert.Equal(LogCleanOutcome.Cleaned, Cleaner.Clean(log, Time.NowMs).Outcome);
        AssertHoldsLatest(log, tombstones: true);
    }

    [Fact]
    public void A_dirty_range_with_more_keys_than_the_map_holds_is_compacted_over_several_passes()
    {
        var cleaner = new LogCleaner(LogCleanerOptions.Default with { MaxKeysPerPass = 25 }, Logger);
        using var log = Open(Compacted);
        for (var version = 0; version < 3; version++)
            for (var chunk = 0; chunk < 10; chunk++) AppendTracked(log, Versions(chunk * 10, 10, version));
        Roll(log);

        var first = cleaner.Clean(log, Time.NowMs, force: true);
        Assert.Equal(20, first.EndOffset); // two batches of ten keys fit, a third would not
        Assert.Equal(20, log.CleanerCheckpoint);
        var passes = 1;
        while (cleaner.Inspect(log, Time.NowMs).DirtyBytes > 0)
        {
            // After every pass each key's last record in the log is still its latest value.
            var lastSeen = new Dictionary<string, string?>();
            foreach (var r in KeyedRecords.ReadRecords(log)) lastSeen[r.Key] = r.Value;
            Assert.Equal(_latest.ToDictionary(e => e.Key, e => e.Value.Value), lastSeen);
            Assert.Equal(LogCleanOutcome.Cleaned, cleaner.Clean(log, Time.NowMs, force: true).Outcome);
            Assert.True(++passes < 40);
        }
        Assert.True(passes > 5);
        AssertHoldsLatest(log, tombstones: true);
    }

    [Fact]
    public void Nothing_at_or_past_the_high_watermark_is_compacted()
    {
        using var log = Open(Compacted);
        for (var version = 0; version < 4; version++) AppendTracked(log, Versions(0, 10, version));
        Roll(log);
        var inspection = Cleaner.Inspect(log, Time.NowMs, highWatermark: 25);
        Assert.Equal(25, inspection.FirstUncleanableOffset);

        var result = Cleaner.Clean(log, Time.NowMs, highWatermark: 20, force: true);
        Assert.Equal(20, result.EndOffset);
        Assert.Equal(10, result.RecordsRemoved); // version 0, superseded by version 1; versions 2 and 3 are not mapped
        Assert.Equal(30, KeyedRecords.ReadRecords(log).Count(r => r.Key.StartsWith("key-", StringComparison.Ordinal)));
        Cleaner.Clean(log, Time.NowMs, force: true);
        AssertHoldsLatest(log, tombstones: true);
    }

    [Fact]
    public void A_delete_policy_log_is_never_compacted()
    {
        using var log = Open(Compacted with { CleanupPolicy = CleanupPolicy.Delete });
        AppendTracked(log, Versions(0, 5, 0));
        AppendTracked(log, Versions(0, 5, 1));
        Roll(log);
        Assert.False(Cleaner.NeedsCleaning(log, Time.NowMs));
        Assert.Equal(LogCleanOutcome.NotNeeded, Cleaner.Clean(log, Time.NowMs, force: true).Outcome);
    }

    [Fact]
    public void A_compacted_log_reopens_with_its_segments_indexes_and_checkpoint()
    {
        List<StoredRecord> before;
        long checkpoint;
        using (var log = Open(Compacted))
        {
            for (var version = 0; version < 5; version++) AppendTracked(log, Versions(0, 40, version));
            Roll(log);
            Cleaner.Clean(log, Time.NowMs);
            before = KeyedRecords.ReadRecords(log);
            checkpoint = log.CleanerCheckpoint;
        }
        using (var log = Open(Compacted))
        {
            Assert.Equal(before, KeyedRecords.ReadRecords(log));
            Assert.Equal(checkpoint, log.CleanerCheckpoint);
            Assert.Equal(40, log.OffsetForTimestamp(0)!.Value.Offset < 200 ? 40 : 0);
            Assert.Empty(Logger.Warnings);
            Assert.False(Cleaner.NeedsCleaning(log, Time.NowMs));
        }
    }

    [Theory]
    [InlineData("before-commit")]
    [InlineData("retiring-old-segments")]
    [InlineData("before-final-names")]
    public void An_interrupted_swap_is_rolled_back_or_completed_on_open(string crashPoint)
    {
        // Segments rolled by time are small, so the pass merges all five into one compacted segment.
        var config = Compacted with { SegmentBytes = 1 << 20 };
        var fs = new FaultInjectingFileSystem();
        var log = Open(config, fs);
        for (var version = 0; version < 5; version++)
        {
            AppendTracked(log, Versions(0, 40, version));
            Roll(log);
        }
        var original = KeyedRecords.ReadRecords(log);
        var segmentsBefore = log.SegmentBaseOffsets.Count;
        Assert.True(segmentsBefore >= 5);

        fs.CrashOnMove = crashPoint switch
        {
            "before-commit" => (from, to) => from.EndsWith(".log.cleaned", StringComparison.Ordinal) && to.EndsWith(".log.swap", StringComparison.Ordinal),
            "retiring-old-segments" => (_, to) => to.EndsWith(".log.deleted", StringComparison.Ordinal),
            _ => (from, to) => from.EndsWith(".log.swap", StringComparison.Ordinal) && to.EndsWith(".log", StringComparison.Ordinal),
        };
        Cleaner.Clean(log, Time.NowMs, force: true);
        Assert.True(fs.Crashed);
        Crash(log, fs);
        Assert.NotEmpty(StagedFiles());

        using (var reopened = Open(config))
        {
            Assert.Empty(StagedFiles());
            var records = KeyedRecords.ReadRecords(reopened);
            if (crashPoint == "before-commit")
            {
                Assert.Equal(original, records);
                Assert.Equal(segmentsBefore, reopened.SegmentBaseOffsets.Count);
            }
            else
            {
                AssertHoldsLatest(reopened, tombstones: true);
                Assert.Equal(2, reopened.SegmentBaseOffsets.Count);
            }
            Assert.Equal(0, reopened.CleanerCheckpoint);
            Assert.Equal(LogCleanOutcome.Cleaned, Cleaner.Clean(reopened, Time.NowMs, force: true).Outcome);
            AssertHoldsLatest(reopened, tombstones: true);
            Assert.Equal(_latest.Values.Max(v => v.Offset) + 1, reopened.LogEndOffset);
        }
    }

    [Fact]
    public async Task Producers_and_readers_keep_working_while_the_log_is_compacted()
    {
        using var log = Open(Compacted with { FileDeleteDelayMs = 60_000 });
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            var expectedNext = 0L;
            for (var i = 0; i < 3000; i++)
            {
                var key = $"key-{i % 37}";
                var result = AppendOk(log, KeyedRecords.Batch(Time.NowMs, (key, $"v{i}")));
                Assert.Equal(expectedNext, result.FirstOffset);
                expectedNext = result.LastOffset + 1;
                lock (_latest) _latest[key] = (result.FirstOffset, $"v{i}");
            }
        });
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var records = KeyedRecords.ReadRecords(log);
                for (var i = 1; i < records.Count; i++) Assert.True(records[i].Offset > records[i - 1].Offset);
            }
        });
        var passes = 0;
        while (!writer.IsCompleted)
        {
            if (Cleaner.Clean(log, Time.NowMs, force: true).Outcome == LogCleanOutcome.Cleaned) passes++;
        }
        await writer;
        await stop.CancelAsync();
        await reader;
        Assert.True(passes > 0);

        Roll(log);
        Assert.Equal(LogCleanOutcome.Cleaned, Cleaner.Clean(log, Time.NowMs, force: true).Outcome);
        AssertHoldsLatest(log, tombstones: true);
        Assert.Equal(3001, log.LogEndOffset);
    }

    [Fact]
    public void Retention_and_compaction_together_with_compact_delete()
    {
        using var log = Open(Compacted with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete, RetentionMs = 3_600_000 });
        for (var version = 0; version < 4; version++) AppendTracked(log, Versions(0, 50, version));
        Roll(log);
        Cleaner.Clean(log, Time.NowMs);
        AssertHoldsLatest(log, tombstones: true);

        Time.Advance(TimeSpan.FromHours(2));
        Assert.True(log.ApplyRetention(Time.NowMs).SegmentsDeleted > 0);
        Assert.Equal(_latest["~roll-0"].Offset, log.LogStartOffset);
        Assert.Equal("~roll-0", Assert.Single(KeyedRecords.ReadRecords(log)).Key);
    }
}
