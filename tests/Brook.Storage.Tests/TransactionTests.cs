using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

/// <summary>Open transactions, the first unstable offset, markers and the aborted transactions a read_committed fetch gets.</summary>
public sealed class TransactionTests : LogTestBase
{
    private const long P1 = 1000, P2 = 2000;

    private readonly TransactionalBatches _producers = new();

    private byte[] Batch(long pid, int count = 2, short epoch = 0, bool transactional = true) => _producers.Batch(pid, count, epoch, transactional);

    private static AppendResult Marker(PartitionLog log, long pid, bool commit, short epoch = 0, int coordinatorEpoch = 0) =>
        TransactionalBatches.Marker(log, pid, commit, epoch, coordinatorEpoch);

    private static AppendResult MarkerOk(PartitionLog log, long pid, bool commit, short epoch = 0, int coordinatorEpoch = 0) =>
        TransactionalBatches.MarkerOk(log, pid, commit, epoch, coordinatorEpoch);

    [Fact]
    public void The_first_unstable_offset_stays_at_an_open_transaction_while_later_data_is_appended()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(2));                       // 0-1 plain
        Assert.Null(log.FirstUnstableOffset);
        AppendOk(log, Batch(P1));                                   // 2-3 P1 opens
        Assert.Equal(2, log.FirstUnstableOffset);
        AppendOk(log, TestBatches.Build(3));                        // 4-6 plain
        AppendOk(log, Batch(P1));                                   // 7-8 P1 again
        AppendOk(log, Batch(P2, transactional: false));             // 9-10 idempotent, not transactional
        AppendOk(log, Batch(P2 + 1));                               // 11-12 another transaction
        Assert.Equal(2, log.FirstUnstableOffset);
        Assert.Equal([(P1, 2L), (P2 + 1, 11L)], log.ProducerState.OngoingTransactions);

        // A read bounded by the first unstable offset stops before the open transaction.
        var read = log.Read(0, 1 << 20, log.FirstUnstableOffset!.Value, minOneBatch: true);
        Assert.Equal([(0L, 1L)], TestBatches.Parse(read.Records.ToBytes()).Select(b => (b.BaseOffset, b.LastOffset)));
        Assert.Equal(2, ((FileRecordSet)read.Records).NextOffset);

        var commit = MarkerOk(log, P1, commit: true);
        Assert.Equal(13, commit.FirstOffset);
        Assert.Equal(11, log.FirstUnstableOffset);
        Assert.Empty(log.CollectAbortedTransactions(0, log.LogEndOffset)); // a commit hides nothing
        MarkerOk(log, P2 + 1, commit: true);
        Assert.Null(log.FirstUnstableOffset);
        Assert.Empty(log.ProducerState.OngoingTransactions);

        // The marker is a control batch with the producer's id and epoch and one COMMIT record.
        var markerBatch = ReadAll(log, 13)[0].Bytes;
        var header = new RecordBatchHeader(markerBatch);
        Assert.True(header.IsControl && header.IsTransactional);
        Assert.Equal((P1, (short)0, 13L, 3), (header.ProducerId, header.ProducerEpoch, header.BaseOffset, header.PartitionLeaderEpoch));
    }

    [Fact]
    public void An_abort_is_indexed_and_returned_for_overlapping_ranges_only()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(2));                        // 0-1
        AppendOk(log, Batch(P1));                                   // 2-3
        AppendOk(log, TestBatches.Build(2));                        // 4-5
        AppendOk(log, Batch(P1));                                   // 6-7
        var abort = MarkerOk(log, P1, commit: false);               // 8
        Assert.Equal(8, abort.FirstOffset);
        Assert.Null(log.FirstUnstableOffset);
        AppendOk(log, TestBatches.Build(2));                        // 9-10

        Assert.Equal([(P1, 2L)], log.CollectAbortedTransactions(0, 11));
        Assert.Equal([(P1, 2L)], log.CollectAbortedTransactions(0, 3));   // the first batch is in range
        Assert.Empty(log.CollectAbortedTransactions(0, 2));              // ends before the transaction begins
        Assert.Equal([(P1, 2L)], log.CollectAbortedTransactions(5, 6));   // inside the transaction
        Assert.Equal([(P1, 2L)], log.CollectAbortedTransactions(8, 9));   // the marker alone
        Assert.Empty(log.CollectAbortedTransactions(9, 11));             // after the marker
        Assert.Empty(log.CollectAbortedTransactions(5, 5));              // an empty range
    }

    [Fact]
    public void Aborted_transactions_spanning_segments_and_interleaved_producers_are_all_found()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 300 });
        AppendOk(log, Batch(P1));                                   // 0-1 P1 opens
        AppendOk(log, Batch(P2));                                   // 2-3 P2 opens
        for (var i = 0; i < 6; i++) AppendOk(log, TestBatches.Build(2)); // 4-15, rolling segments
        var p2Abort = MarkerOk(log, P2, commit: false);
        AppendOk(log, Batch(P2));                                   // P2's next transaction
        var p1Abort = MarkerOk(log, P1, commit: false);
        MarkerOk(log, P2, commit: true);
        Assert.True(log.SegmentBaseOffsets.Count >= 3, "the transactions span segments");
        Assert.NotEqual(0, log.SegmentBaseOffsets.Count(b => b > 0 && b <= p2Abort.FirstOffset));

        Assert.Equal([(P1, 0L)], log.CollectAbortedTransactions(0, 1)); // P2 began at 2
        Assert.Equal([(P2, 2L), (P1, 0L)], log.CollectAbortedTransactions(0, 3));
        Assert.Equal([(P2, 2L), (P1, 0L)], log.CollectAbortedTransactions(10, 12));
        Assert.Equal([(P1, 0L)], log.CollectAbortedTransactions(p2Abort.FirstOffset + 1, log.LogEndOffset));
        Assert.Empty(log.CollectAbortedTransactions(p1Abort.FirstOffset + 1, log.LogEndOffset));
    }

    [Fact]
    public void A_marker_without_an_open_transaction_is_appended_but_changes_nothing()
    {
        using var log = Open();
        AppendOk(log, Batch(P1));
        MarkerOk(log, P1, commit: false);
        var retry = MarkerOk(log, P1, commit: false); // the coordinator retrying after a lost response
        Assert.Equal(3, retry.FirstOffset);
        Assert.Equal(4, log.LogEndOffset);
        Assert.Equal([(P1, 0L)], log.CollectAbortedTransactions(0, 4)); // one entry, not two
        var unknown = MarkerOk(log, 77, commit: true); // a transaction that never wrote here
        Assert.Equal(4, unknown.FirstOffset);
        Assert.Null(log.FirstUnstableOffset);
    }

    [Fact]
    public void Markers_of_an_older_producer_epoch_are_fenced_and_a_newer_epoch_is_taken()
    {
        using var log = Open();
        AppendOk(log, Batch(P1, epoch: 5));
        var stale = Marker(log, P1, commit: true, epoch: 4);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, stale.Error);
        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(0, log.FirstUnstableOffset);

        // The coordinator fences the producer: it aborts with a bumped epoch.
        MarkerOk(log, P1, commit: false, epoch: 6);
        Assert.Null(log.FirstUnstableOffset);
        Assert.True(log.ProducerState.TryGetProducer(P1, out var state));
        Assert.Equal(6, state.Epoch);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Append(log, Batch(P1, epoch: 5)).Error);
        _producers.Reset(P1);
        AppendOk(log, Batch(P1, epoch: 6)); // the new epoch starts at sequence 0
    }

    [Fact]
    public void Markers_of_an_older_coordinator_epoch_are_fenced()
    {
        using var log = Open();
        AppendOk(log, Batch(P1));
        MarkerOk(log, P1, commit: true, coordinatorEpoch: 3);
        AppendOk(log, Batch(P1));
        Assert.Equal(ErrorCode.TransactionCoordinatorFenced, Marker(log, P1, commit: false, coordinatorEpoch: 2).Error);
        Assert.Equal(3, log.FirstUnstableOffset);
        MarkerOk(log, P1, commit: false, coordinatorEpoch: 3);
        Assert.True(log.ProducerState.TryGetCoordinatorEpoch(P1, out var coordinatorEpoch));
        Assert.Equal(3, coordinatorEpoch);
    }

    [Fact]
    public void A_producer_with_an_open_transaction_cannot_write_outside_it()
    {
        using var log = Open();
        AppendOk(log, Batch(P1));
        var plain = Append(log, Batch(P1, transactional: false));
        Assert.Equal(ErrorCode.InvalidTxnState, plain.Error);
        Assert.Equal(2, log.LogEndOffset);
        _producers.Rewind(P1, 2);
        MarkerOk(log, P1, commit: true);
        AppendOk(log, Batch(P1, transactional: false));
    }

    [Fact]
    public void A_retried_transactional_batch_is_a_duplicate_and_does_not_reopen_the_transaction()
    {
        using var log = Open();
        var first = TestBatches.Build(2, producerId: P1, producerEpoch: 0, baseSequence: 0, attributes: RecordBatchHeader.TransactionalBit);
        AppendOk(log, (byte[])first.Clone());
        var retry = Append(log, (byte[])first.Clone());
        Assert.True(retry.Duplicate);
        Assert.Equal([(P1, 0L)], log.ProducerState.OngoingTransactions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_open_transaction_survives_a_reopen(bool crash)
    {
        var fs = new FaultInjectingFileSystem();
        var config = LogConfig.Default with { SegmentBytes = 300 };
        var log = Open(config, fs);
        AppendOk(log, Batch(P2));
        MarkerOk(log, P2, commit: false);                            // 2: an earlier abort
        AppendOk(log, TestBatches.Build(2));                         // 3-4
        AppendOk(log, Batch(P1));                                    // 5-6 P1 opens
        for (var i = 0; i < 5; i++) AppendOk(log, TestBatches.Build(2)); // rolls past the transaction's start
        Assert.True(log.SegmentBaseOffsets[^1] > 5, "the open transaction began in a sealed segment");
        if (crash) Crash(log, fs);
        else log.Dispose();

        using var reopened = Open(config);
        Assert.Equal(5, reopened.FirstUnstableOffset);
        Assert.Equal([(P1, 5L)], reopened.ProducerState.OngoingTransactions);
        Assert.Equal(ErrorCode.InvalidTxnState, Append(reopened, Batch(P1, transactional: false)).Error);
        _producers.Rewind(P1, 2);
        var abort = MarkerOk(reopened, P1, commit: false);
        Assert.Null(reopened.FirstUnstableOffset);
        Assert.Equal([(P2, 0L), (P1, 5L)], reopened.CollectAbortedTransactions(0, reopened.LogEndOffset));
        Assert.Equal([(P1, 5L)], reopened.CollectAbortedTransactions(abort.FirstOffset, abort.FirstOffset + 1));
    }

    [Fact]
    public void A_follower_tracks_transactions_and_indexes_aborts_from_the_leaders_batches()
    {
        using var leader = Open();
        AppendOk(leader, Batch(P1));
        AppendOk(leader, TestBatches.Build(2));
        MarkerOk(leader, P1, commit: false);
        AppendOk(leader, Batch(P2));
        var bytes = ReadAll(leader).SelectMany(b => b.Bytes).ToArray();

        using var temp = new TempDirectory();
        using var follower = PartitionLog.Open(temp.Sub("follower-0"), LogConfig.Default, Logger, Time);
        Assert.Equal(ErrorCode.None, follower.AppendAsFollower(bytes).Error);
        Assert.Equal(leader.LogEndOffset, follower.LogEndOffset);
        Assert.Equal(5, follower.FirstUnstableOffset);
        Assert.Equal([(P1, 0L)], follower.CollectAbortedTransactions(0, follower.LogEndOffset));

        // Truncating below the marker reopens the transaction and removes its entry.
        follower.TruncateTo(4);
        Assert.Equal(0, follower.FirstUnstableOffset);
        Assert.Empty(follower.CollectAbortedTransactions(0, follower.LogEndOffset));
    }

    [Fact]
    public void Compaction_does_not_clean_past_the_first_unstable_offset()
    {
        var config = LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 300 };
        using var log = Open(config);
        AppendOk(log, KeyedRecords.Batch(Time.NowMs, ("a", "1")));
        AppendOk(log, TestBatches.Build(1, producerId: P1, producerEpoch: 0, baseSequence: 0, attributes: RecordBatchHeader.TransactionalBit));
        var openAt = log.FirstUnstableOffset!.Value;
        for (var i = 0; i < 8; i++) AppendOk(log, KeyedRecords.Batch(Time.NowMs, ("a", $"{i}")));
        Assert.True(log.SegmentBaseOffsets.Count > 2);
        var plan = new Compaction.LogCleaner(Compaction.LogCleanerOptions.Default, Logger).Inspect(log, Time.NowMs);
        Assert.Equal(openAt, plan.FirstUncleanableOffset);
    }
}
