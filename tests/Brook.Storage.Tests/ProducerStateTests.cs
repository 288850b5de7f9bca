using Brook.Common;

namespace Brook.Storage.Tests;

public sealed class ProducerStateTests : LogTestBase
{
    private const long Pid = 1000;

    private static byte[] Batch(int baseSequence, int count = 2, short epoch = 0, long pid = Pid) =>
        TestBatches.Build(count, producerId: pid, producerEpoch: epoch, baseSequence: baseSequence);

    [Fact]
    public void In_sequence_batches_are_appended_and_a_retry_is_answered_with_the_original_offsets()
    {
        using var log = Open();
        var first = AppendOk(log, Batch(0));
        AppendOk(log, Batch(2));
        AppendOk(log, TestBatches.Build(3)); // a non-idempotent producer in between

        var retry = Append(log, Batch(0));
        Assert.Equal(ErrorCode.None, retry.Error);
        Assert.True(retry.Duplicate);
        Assert.Equal((first.FirstOffset, first.LastOffset), (retry.FirstOffset, retry.LastOffset));
        Assert.Equal(7, log.LogEndOffset);

        AppendOk(log, Batch(4));
        var state = Assert.Single(log.ProducerState.Producers);
        Assert.Equal((Pid, (short)0, 5), (state.ProducerId, state.Epoch, state.LastSequence));
    }

    [Fact]
    public void Gaps_are_out_of_order_and_nothing_is_appended()
    {
        using var log = Open();
        AppendOk(log, Batch(0));
        var gap = Append(log, Batch(5));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.NotNull(gap.ErrorMessage);
        Assert.Equal(2, log.LogEndOffset);
        AppendOk(log, Batch(2));
    }

    [Fact]
    public void Only_the_last_five_batches_count_as_duplicates()
    {
        using var log = Open();
        for (var i = 0; i < 6; i++) AppendOk(log, Batch(2 * i));
        Assert.True(Append(log, Batch(2)).Duplicate);
        var tooOld = Append(log, Batch(0));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, tooOld.Error);
    }

    [Fact]
    public void Epochs_fence_older_producers_and_a_new_epoch_restarts_at_zero()
    {
        using var log = Open();
        AppendOk(log, Batch(0, epoch: 1));
        AppendOk(log, Batch(2, epoch: 1));

        Assert.Equal(ErrorCode.InvalidProducerEpoch, Append(log, Batch(4, epoch: 0)).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Append(log, Batch(4, epoch: 2)).Error);
        AppendOk(log, Batch(0, epoch: 2));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Append(log, Batch(4, epoch: 1)).Error);
        // The old epoch's batches are forgotten: its retry is not a duplicate any more.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Append(log, Batch(0, epoch: 1)).Error);
    }

    [Fact]
    public void Unknown_producers_start_anywhere_and_sequences_wrap()
    {
        using var log = Open();
        AppendOk(log, Batch(int.MaxValue - 1, count: 2)); // last sequence int.MaxValue
        AppendOk(log, Batch(0));
        AppendOk(log, Batch(42, pid: 7));
    }

    [Fact]
    public void Several_batches_of_one_producer_in_one_append_are_checked_in_order()
    {
        using var log = Open();
        var ok = AppendOk(log, TestBatches.Concat(Batch(0), Batch(2)));
        Assert.Equal((0L, 3L), (ok.FirstOffset, ok.LastOffset));
        var gap = Append(log, TestBatches.Concat(Batch(4), Batch(9)));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.Equal(4, log.LogEndOffset);
    }

    [Fact]
    public void Duplicate_with_log_append_time_returns_the_original_append_time()
    {
        using var log = Open();
        AppendOk(log, Batch(0), logAppendTime: 777);
        var retry = Append(log, Batch(0), logAppendTime: 999);
        Assert.True(retry.Duplicate);
        Assert.Equal(777, retry.LogAppendTime);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void State_survives_a_reopen(bool crash)
    {
        var fs = new FaultInjectingFileSystem();
        var config = LogConfig.Default with { SegmentBytes = 400 };
        var log = Open(config, fs);
        AppendOk(log, Batch(0, pid: 1));
        for (var i = 0; i < 8; i++) AppendOk(log, Batch(2 * i, epoch: 3));
        var last = AppendOk(log, Batch(16, epoch: 3));
        Assert.True(log.SegmentBaseOffsets.Count > 2, "rolls wrote snapshots");
        if (crash) Crash(log, fs);
        else log.Dispose();

        using var reopened = Open(config);
        var retry = Append(reopened, Batch(16, epoch: 3));
        Assert.True(retry.Duplicate);
        Assert.Equal(last.FirstOffset, retry.FirstOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, Append(reopened, Batch(20, epoch: 3)).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, Append(reopened, Batch(18, epoch: 2)).Error);
        AppendOk(reopened, Batch(18, epoch: 3));
        AppendOk(reopened, Batch(2, pid: 1));
        Assert.Equal(2, reopened.ProducerState.Count);
    }

    [Fact]
    public void A_corrupt_snapshot_is_ignored_and_state_rebuilt_from_the_log()
    {
        using (var log = Open())
        {
            AppendOk(log, Batch(0));
            AppendOk(log, Batch(2));
        }
        var snapshot = Directory.GetFiles(Dir, "*.snapshot").Single();
        var bytes = File.ReadAllBytes(snapshot);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(snapshot, bytes);

        using var reopened = Open();
        Assert.True(Append(reopened, Batch(2)).Duplicate);
        Assert.Contains(Logger.Warnings, w => w.Contains("snapshot", StringComparison.Ordinal));
    }
}
