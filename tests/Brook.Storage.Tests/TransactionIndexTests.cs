using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage.Compaction;

namespace Brook.Storage.Tests;

/// <summary>The aborted-transaction index (.txnindex) on disk: its format, crash recovery, rebuilds, retention and compaction.</summary>
public sealed class TransactionIndexTests : LogTestBase
{
    private const long P1 = 1000, P2 = 2000, P3 = 3000;

    /// <summary>About two 2-record batches per segment.</summary>
    private static readonly LogConfig Small = LogConfig.Default with { SegmentBytes = 300, FileDeleteDelayMs = 0 };

    private readonly TransactionalBatches _producers = new();

    private IEnumerable<string> Files(string suffix) =>
        Directory.EnumerateFiles(Dir).Select(p => Path.GetFileName(p)).Where(n => n.EndsWith(suffix, StringComparison.Ordinal)).Order();

    /// <summary>
    /// A log with aborted transactions in sealed segments and in the active one, one of them spanning segments, a
    /// committed one and one still open: P2 aborts at 2 (began at 0), P1 aborts at 13 (began at 3), P2 commits, P3 is open.
    /// </summary>
    private void WriteTransactions(PartitionLog log)
    {
        AppendOk(log, _producers.Batch(P2));                                      // 0-1
        Assert.Equal(2, TransactionalBatches.MarkerOk(log, P2, commit: false).FirstOffset);
        AppendOk(log, _producers.Batch(P1));                                      // 3-4
        for (var i = 0; i < 4; i++) AppendOk(log, TestBatches.Build(2));          // 5-12
        Assert.Equal(13, TransactionalBatches.MarkerOk(log, P1, commit: false).FirstOffset);
        AppendOk(log, _producers.Batch(P2));                                      // 14-15
        TransactionalBatches.MarkerOk(log, P2, commit: true);                     // 16
        AppendOk(log, _producers.Batch(P3));                                      // 17-18
        AppendOk(log, TestBatches.Build(2));                                      // 19-20
        AppendOk(log, _producers.Batch(P1));                                      // 21-22
        Assert.Equal(23, TransactionalBatches.MarkerOk(log, P1, commit: false).FirstOffset);
        Assert.True(log.SegmentBaseOffsets.Count >= 4);
    }

    private static readonly (long, long)[] ExpectedAborted = [(P2, 0), (P1, 3), (P1, 21)];

    private static void AssertTransactions(PartitionLog log)
    {
        Assert.Equal(ExpectedAborted, log.CollectAbortedTransactions(0, log.LogEndOffset));
        Assert.Equal([(P1, 3L)], log.CollectAbortedTransactions(5, 13));
        Assert.Equal([(P1, 21L)], log.CollectAbortedTransactions(14, log.LogEndOffset));
        Assert.Equal(17, log.FirstUnstableOffset);
        Assert.Equal([(P3, 17L)], log.ProducerState.OngoingTransactions);
    }

    [Fact]
    public void Sealed_segments_have_txnindex_files_in_kafkas_format()
    {
        using (var log = Open(Small))
        {
            WriteTransactions(log);
            AssertTransactions(log);
        }
        Assert.Equal(Files(".log").Select(n => n.Replace(".log", ".txnindex", StringComparison.Ordinal)), Files(".txnindex"));

        // P2's abort at 2 lives in segment 0: version 0, producer id, first offset, last offset, last stable offset
        // (P1's transaction was not open yet, so just past the marker).
        var bytes = File.ReadAllBytes(SegmentFile(0, ".txnindex"));
        Assert.Equal(34, bytes.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(bytes));
        Assert.Equal((P2, 0L, 2L, 3L), (BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(2)), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(10)),
            BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(18)), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(26))));
        // Segments without an abort have an empty file, so a missing one can be told apart.
        Assert.Contains(Files(".txnindex"), n => new FileInfo(Path.Combine(Dir, n)).Length == 0);

        using var reopened = Open(Small);
        AssertTransactions(reopened);
        Assert.Empty(Logger.Warnings);
    }

    [Fact]
    public void A_crash_rebuilds_the_index_of_the_recovered_active_segment()
    {
        var fs = new FaultInjectingFileSystem();
        var log = Open(Small, fs);
        WriteTransactions(log);
        Crash(log, fs);

        using var reopened = Open(Small);
        AssertTransactions(reopened);
        // Markers appended after the recovery land in the rebuilt index.
        TransactionalBatches.MarkerOk(reopened, P3, commit: false);
        Assert.Equal([.. ExpectedAborted, (P3, 17L)], reopened.CollectAbortedTransactions(0, reopened.LogEndOffset));
    }

    [Fact]
    public void A_crash_without_a_recovery_checkpoint_rebuilds_every_index_from_the_first_segment()
    {
        var fs = new FaultInjectingFileSystem();
        var log = Open(Small, fs);
        WriteTransactions(log);
        Crash(log, fs);
        File.Delete(Path.Combine(Dir, "recovery-point-offset-checkpoint"));
        foreach (var name in Files(".txnindex").ToList()) File.WriteAllBytes(Path.Combine(Dir, name), new byte[34]); // stale garbage

        using var reopened = Open(Small);
        AssertTransactions(reopened);
    }

    [Fact]
    public void The_snapshot_at_the_active_segments_base_outlives_clean_closes_so_a_crash_replays_from_there()
    {
        var fs = new FaultInjectingFileSystem();
        using (var log = Open(Small, fs))
            WriteTransactions(log);
        for (var i = 0; i < 3; i++)
        {
            using var log = Open(Small, fs);
            AppendOk(log, TestBatches.Build(1, baseTimestamp: Time.NowMs)); // the first rolls to a segment at 24, the others stay in it
            Assert.Equal(24, log.SegmentBaseOffsets[^1]);
        }
        // Two clean-close snapshots (26, 27) and the one at the active segment's base.
        Assert.Contains(Path.GetFileName(SegmentFile(24, ".snapshot")), Files(".snapshot"));
        Assert.Equal(3, Files(".snapshot").Count());

        var crashed = Open(Small, fs);
        TransactionalBatches.MarkerOk(crashed, P3, commit: false);
        Crash(crashed, fs);
        using var reopened = Open(Small);
        Assert.Equal([.. ExpectedAborted, (P3, 17L)], reopened.CollectAbortedTransactions(0, reopened.LogEndOffset));
        Assert.Null(reopened.FirstUnstableOffset);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("truncated")]
    [InlineData("version")]
    public void A_missing_or_corrupt_txnindex_of_a_sealed_segment_is_rebuilt_from_the_log(string damage)
    {
        using (var log = Open(Small))
            WriteTransactions(log);
        var path = SegmentFile(0, ".txnindex");
        var good = File.ReadAllBytes(path);
        switch (damage)
        {
            case "missing":
                File.Delete(path);
                break;
            case "truncated":
                File.WriteAllBytes(path, good[..20]);
                break;
            default:
                var bad = (byte[])good.Clone();
                bad[1] = 7;
                File.WriteAllBytes(path, bad);
                break;
        }

        using (var reopened = Open(Small))
        {
            AssertTransactions(reopened);
            Assert.Contains(Logger.Warnings, w => w.Contains("Aborted-transaction indexes", StringComparison.Ordinal));
        }
        Assert.Equal(good, File.ReadAllBytes(path)); // written back at once, not only on the next roll

        using var again = Open(Small);
        AssertTransactions(again);
    }

    [Fact]
    public void Without_snapshots_and_indexes_everything_is_rebuilt_by_replaying_the_whole_log()
    {
        // What a data directory written before transactions were indexed looks like after the snapshots were lost.
        using (var log = Open(Small))
            WriteTransactions(log);
        foreach (var name in Files(".snapshot").Concat(Files(".txnindex")).ToList()) File.Delete(Path.Combine(Dir, name));

        using (var reopened = Open(Small))
            AssertTransactions(reopened);
        Assert.Equal(Files(".log").Count(), Files(".txnindex").Count());
    }

    [Fact]
    public void Retention_deletes_the_txnindex_with_its_segment()
    {
        using var log = Open(Small with { RetentionBytes = 0, FileDeleteDelayMs = 1000 });
        WriteTransactions(log);
        TransactionalBatches.MarkerOk(log, P3, commit: true);
        AppendOk(log, TestBatches.Build(2));
        var firstBases = log.SegmentBaseOffsets;

        var result = log.ApplyRetention(Time.NowMs);
        Assert.Equal(firstBases.Count - 1, result.SegmentsDeleted);
        Assert.Contains(Path.GetFileName(SegmentFile(0, ".txnindex.deleted")), Files(".txnindex.deleted"));
        Assert.Empty(Files(".txnindex")); // the active segment writes its file when sealed
        Assert.Empty(log.CollectAbortedTransactions(log.LogStartOffset, log.LogEndOffset));

        Time.Advance(TimeSpan.FromMilliseconds(1001));
        log.ApplyRetention(Time.NowMs);
        Assert.Empty(Files(".deleted"));
    }

    [Fact]
    public void Compaction_keeps_markers_and_index_entries_and_drops_aborted_records()
    {
        var config = LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 4096, SegmentMs = 1000, FileDeleteDelayMs = 0 };
        var fs = new FaultInjectingFileSystem();
        var log = Open(config, fs);
        var now = Time.NowMs;
        AppendOk(log, KeyedRecords.Batch(now, ("k", "v1"), ("j", "old")));          // 0-1
        AppendOk(log, _producers.Keyed(P1, now, ("k", "aborted"), ("x", "aborted"))); // 2-3
        var abort = TransactionalBatches.MarkerOk(log, P1, commit: false);        // 4
        AppendOk(log, _producers.Keyed(P2, now, ("j", "committed")));             // 5
        var commit = TransactionalBatches.MarkerOk(log, P2, commit: true);        // 6
        Time.Advance(TimeSpan.FromMilliseconds(config.SegmentMs + 1));
        AppendOk(log, KeyedRecords.Batch(Time.NowMs, ("~roll", "x")));            // 7, a new segment
        Assert.Equal([0L, 7], log.SegmentBaseOffsets);
        var abortedBefore = log.CollectAbortedTransactions(0, log.LogEndOffset);
        Assert.Equal([(P1, 2L)], abortedBefore);

        var result = new LogCleaner(LogCleanerOptions.Default, Logger).Clean(log, Time.NowMs, force: true);
        Assert.Equal(LogCleanOutcome.Cleaned, result.Outcome);

        // The aborted write neither survives nor replaces k's committed value; the committed one replaces j's.
        Assert.Equal([(0L, "k", "v1"), (5L, "j", "committed"), (7L, "~roll", "x")],
            KeyedRecords.ReadRecords(log).Select(r => (r.Offset, r.Key, r.Value)));
        var markers = KeyedRecords.ReadBatches(log).Where(b => new RecordBatchHeader(b).IsControl).Select(b => new RecordBatchHeader(b).BaseOffset);
        Assert.Equal([abort.FirstOffset, commit.FirstOffset], markers);
        Assert.Equal(abortedBefore, log.CollectAbortedTransactions(0, log.LogEndOffset));
        Assert.Equal(34, new FileInfo(SegmentFile(0, ".txnindex")).Length);
        // P1's emptied batch stays as a header so its sequence survives.
        var emptied = new RecordBatchHeader(KeyedRecords.ReadBatches(log).Single(b => new RecordBatchHeader(b) is { ProducerId: P1, IsControl: false }));
        Assert.Equal((0, 2L, 3L, true), (emptied.RecordCount, emptied.BaseOffset, emptied.LastOffset, emptied.IsTransactional));
        Crash(log, fs);

        using var reopened = Open(config);
        Assert.Equal(abortedBefore, reopened.CollectAbortedTransactions(0, reopened.LogEndOffset));
        Assert.Null(reopened.FirstUnstableOffset);
    }

    [Fact]
    public void A_version_1_snapshot_from_before_transactions_is_still_read()
    {
        using (var log = Open())
            AppendOk(log, TestBatches.Build(2, producerId: P1, producerEpoch: 4, baseSequence: 0));
        var snapshot = Directory.GetFiles(Dir, "*.snapshot").Single();

        // magic, version 1, CRC, one producer (id, epoch, last timestamp, one batch: sequences 0-1 at offsets 0-1).
        var bytes = new byte[10 + 4 + 19 + 32];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x42505331);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], 1);
        BinaryPrimitives.WriteInt32BigEndian(span[10..], 1);
        BinaryPrimitives.WriteInt64BigEndian(span[14..], P1);
        BinaryPrimitives.WriteInt16BigEndian(span[22..], 4);
        BinaryPrimitives.WriteInt64BigEndian(span[24..], 1_001);
        span[32] = 1;
        BinaryPrimitives.WriteInt32BigEndian(span[33..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[37..], 1);
        BinaryPrimitives.WriteInt64BigEndian(span[41..], 0);
        BinaryPrimitives.WriteInt64BigEndian(span[49..], 1);
        BinaryPrimitives.WriteInt64BigEndian(span[57..], 1_001);
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], Crc32C.Compute(span[10..]));
        File.WriteAllBytes(snapshot, bytes);

        using var reopened = Open();
        Assert.Empty(Logger.Warnings);
        Assert.True(Append(reopened, TestBatches.Build(2, producerId: P1, producerEpoch: 4, baseSequence: 0)).Duplicate);
        Assert.Null(reopened.FirstUnstableOffset);
    }
}
