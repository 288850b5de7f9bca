using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

public sealed class ReplicationTests : LogTestBase
{
    /// <summary>Batches as a leader would have stored them: offsets and epoch stamped, CRC intact (it does not cover them).</summary>
    private static byte[] LeaderBatch(long baseOffset, int count, int epoch, long producerId = -1, int baseSequence = -1)
    {
        var batch = TestBatches.Build(count, producerId: producerId, producerEpoch: producerId < 0 ? (short)-1 : (short)0, baseSequence: baseSequence);
        RecordBatchHeader.SetBaseOffset(batch, baseOffset);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, epoch);
        return batch;
    }

    [Fact]
    public void Follower_appends_keep_the_leaders_offsets_and_epochs()
    {
        using var log = Open();
        var r = log.AppendAsFollower(TestBatches.Concat(LeaderBatch(0, 3, epoch: 1), LeaderBatch(3, 2, epoch: 2)));
        Assert.Equal(ErrorCode.None, r.Error);
        Assert.Equal((0L, 4L), (r.FirstOffset, r.LastOffset));
        Assert.Equal(5, log.LogEndOffset);
        var batches = ReadAll(log);
        Assert.Equal([1, 2], batches.Select(b => new RecordBatchHeader(b.Bytes).PartitionLeaderEpoch));
        Assert.Equal([(1, 0L), (2, 3L)], log.LeaderEpochs);

        Assert.Equal(ErrorCode.InvalidRecord, log.AppendAsFollower(LeaderBatch(4, 1, epoch: 2)).Error);
        var corrupt = LeaderBatch(5, 1, epoch: 2);
        corrupt[^1] ^= 1;
        Assert.Equal(ErrorCode.CorruptMessage, log.AppendAsFollower(corrupt).Error);
        Assert.Equal(5, log.LogEndOffset);
    }

    [Fact]
    public void End_offset_for_epoch_follows_kafkas_rules()
    {
        using var log = Open();
        Assert.Equal((-1, -1L), log.EndOffsetForEpoch(0));
        log.BeginLeaderEpoch(2);
        AppendOk(log, TestBatches.Build(3)); // leader epoch 3 stamped by Append: epoch 2 never got data and is dropped
        Assert.Equal([(3, 0L)], log.LeaderEpochs);
        log.BeginLeaderEpoch(5);
        AppendOk(log, TestBatches.Build(2)); // stamped with 3 again: ignored, 5 is newer
        log.BeginLeaderEpoch(7);

        Assert.Equal([(3, 0L), (5, 3L), (7, 5L)], log.LeaderEpochs);
        Assert.Equal((7, 5L), log.EndOffsetForEpoch(7));
        Assert.Equal((5, 5L), log.EndOffsetForEpoch(6));
        Assert.Equal((3, 3L), log.EndOffsetForEpoch(4));
        Assert.Equal((1, 0L), log.EndOffsetForEpoch(1));
        Assert.Equal((-1, -1L), log.EndOffsetForEpoch(8));
    }

    [Fact]
    public void Leader_epochs_survive_a_reopen_and_are_rebuilt_when_their_file_is_lost()
    {
        using (var log = Open())
        {
            log.AppendAsFollower(TestBatches.Concat(LeaderBatch(0, 2, epoch: 1), LeaderBatch(2, 2, epoch: 4)));
        }
        using (var log = Open()) Assert.Equal([(1, 0L), (4, 2L)], log.LeaderEpochs);
        File.Delete(Path.Combine(Dir, "leader-epoch-checkpoint"));
        using (var log = Open()) Assert.Equal([(1, 0L), (4, 2L)], log.LeaderEpochs);
    }

    [Fact]
    public void Truncation_removes_the_tail_across_segments_and_rebuilds_state()
    {
        var config = LogConfig.Default with { SegmentBytes = 600, IndexIntervalBytes = 100 };
        using var log = Open(config);
        const long pid = 9;
        var next = 0L;
        for (var i = 0; i < 20; i++)
        {
            log.AppendAsFollower(LeaderBatch(next, 2, epoch: i < 12 ? 1 : 2, producerId: pid, baseSequence: (int)next));
            next += 2;
        }
        Assert.True(log.SegmentBaseOffsets.Count > 3);
        var segmentsBefore = log.SegmentBaseOffsets;

        log.TruncateTo(14);
        Assert.Equal(14, log.LogEndOffset);
        Assert.Equal(13, ReadAll(log)[^1].LastOffset);
        Assert.All(log.SegmentBaseOffsets, b => Assert.True(b <= 14));
        foreach (var b in segmentsBefore.Where(b => b > 14)) Assert.False(File.Exists(SegmentFile(b, ".log")));
        Assert.Equal([(1, 0L)], log.LeaderEpochs);
        Assert.True(log.ProducerState.TryGetProducer(pid, out var state));
        Assert.Equal(13, state.LastSequence);
        Assert.True(log.RecoveryPoint <= 14);

        // The log continues from the cut, as leader or follower.
        Assert.Equal(ErrorCode.None, log.AppendAsFollower(LeaderBatch(14, 2, epoch: 3, producerId: pid, baseSequence: 14)).Error);
        var led = log.Append(TestBatches.Build(1, producerId: pid, producerEpoch: 0, baseSequence: 16), 3, null);
        Assert.Equal(ErrorCode.None, led.Error);
        Assert.Equal(16, led.FirstOffset);
        Assert.Equal((1L, 1001L), log.OffsetForTimestamp(1001)!.Value);

        // Truncating in the middle of a batch removes that whole batch.
        log.TruncateTo(15);
        Assert.Equal(14, log.LogEndOffset);
    }

    [Fact]
    public void Truncated_logs_reopen_cleanly_and_after_a_crash()
    {
        var config = LogConfig.Default with { SegmentBytes = 600 };
        var fs = new FaultInjectingFileSystem();
        var log = Open(config, fs);
        for (var i = 0; i < 20; i++) log.AppendAsFollower(LeaderBatch(2L * i, 2, epoch: i / 5));
        log.TruncateTo(20);
        log.AppendAsFollower(LeaderBatch(20, 2, epoch: 9));
        Crash(log, fs);

        using var reopened = Open(config);
        Assert.Equal(22, reopened.LogEndOffset);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => 2L * i), ReadAll(reopened).Select(b => b.BaseOffset));
        Assert.Equal([(0, 0L), (1, 10L), (9, 20L)], reopened.LeaderEpochs);
    }

    [Fact]
    public void Truncate_fully_and_start_at_replaces_the_log_by_an_empty_one_beyond_its_end_that_survives_a_reopen()
    {
        var config = LogConfig.Default with { SegmentBytes = 400 };
        using (var log = Open(config))
        {
            for (var i = 0; i < 10; i++) Assert.Equal(ErrorCode.None, log.AppendAsFollower(LeaderBatch(i * 2, 2, epoch: 1 + i / 5)).Error);
            Assert.True(log.SegmentBaseOffsets.Count > 1);

            log.TruncateFullyAndStartAt(100);
            Assert.Equal((100L, 100L), (log.LogStartOffset, log.LogEndOffset));
            Assert.Empty(log.LeaderEpochs);
            Assert.Equal([100L], log.SegmentBaseOffsets);
            Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(50, 1000, long.MaxValue, true).Error);
            Assert.Equal(ErrorCode.None, log.AppendAsFollower(LeaderBatch(100, 3, epoch: 7)).Error);
        }
        using (var reopened = Open(config))
        {
            Assert.Equal((100L, 103L), (reopened.LogStartOffset, reopened.LogEndOffset));
            Assert.Equal([(7, 100L)], reopened.LeaderEpochs);
            Assert.Equal([100L], ReadAll(reopened, 100).Select(b => b.BaseOffset));
            Assert.DoesNotContain(Directory.GetFiles(Dir), f => Path.GetFileName(f).StartsWith("00000000000000000000", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Truncate_fully_and_start_at_an_offset_inside_the_log_drops_everything()
    {
        using var log = Open();
        Assert.Equal(ErrorCode.None, log.AppendAsFollower(TestBatches.Concat(LeaderBatch(0, 3, epoch: 1), LeaderBatch(3, 3, epoch: 2))).Error);
        log.TruncateFullyAndStartAt(3);
        Assert.Equal((3L, 3L), (log.LogStartOffset, log.LogEndOffset));
        Assert.Equal(ErrorCode.None, log.AppendAsFollower(LeaderBatch(3, 1, epoch: 4)).Error);
        Assert.Equal([3L], ReadAll(log, 3).Select(b => b.BaseOffset));
    }
}
