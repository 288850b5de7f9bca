using Brook.Common;
using Brook.Protocol.Records;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// Replication owns "committed": the high watermark is the smallest log end offset of the in-sync replicas, acks=all
/// waits for it, and the min.insync.replicas rule refuses writes the ISR cannot commit.
/// </summary>
public sealed class PartitionReplicationTests : IDisposable
{
    private const int Local = 1;
    private static readonly TopicPartition Tp = new("orders", 0);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-repl-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> _open = [];

    public void Dispose()
    {
        foreach (var d in _open) d.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Partition NewPartition(int minIsr = 1, bool strictMinIsr = false)
    {
        var log = PartitionLog.Open(Path.Combine(_dir, "orders-0"), new LogConfig(), NullLogger.Instance, _time);
        var settings = new PartitionSettings(new LogConfig(), 1_000_000, LogAppendTime: false, MinInsyncReplicas: minIsr) { StrictMinIsr = strictMinIsr };
        var partition = new Partition(Tp, new Uuid(1, 1), Local, log, settings, _time);
        _open.Add(partition);
        return partition;
    }

    private ReplicaManager NewReplicaManager()
    {
        var flusher = new GroupCommitFlusher(NullLogger<GroupCommitFlusher>.Instance);
        _open.Add(flusher);
        var manager = new ReplicaManager(Path.Combine(_dir, "rm"), Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false),
            flusher, NullLoggerFactory.Instance, _time, flushOnAck: false);
        _open.Add(manager);
        return manager;
    }

    private byte[] Batch(int records = 1)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < records; i++) builder.Add(_time.GetUtcNow().ToUnixTimeMilliseconds(), [(byte)i], [(byte)i]);
        return builder.Build();
    }

    private static PartitionState Leader(int epoch, params int[] isr) => new(Local, epoch, epoch, [Local, 2, 3], [.. isr]);

    /// <summary>
    /// Strict min ISR (KIP-966, with eligible.leader.replicas.enable): while the ISR is below min.insync.replicas the
    /// high watermark stays where it is, even for acks=1 writes the leader holds alone, so every replica that left the
    /// ISR meanwhile still has each committed record; once the ISR is back at min ISR it moves again. Without it (Kafka
    /// before KIP-966) a leader alone in its ISR commits by itself.
    /// </summary>
    [Fact]
    public void With_strict_min_isr_the_high_watermark_waits_while_the_isr_is_below_min_isr()
    {
        var strict = NewPartition(minIsr: 2, strictMinIsr: true);
        strict.ApplyState(Leader(0, Local, 2));
        Assert.Equal(ErrorCode.None, strict.AppendAsLeader(Batch(3)).Error);
        strict.RecordFollowerFetch(2, 3, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(3, strict.HighWatermark);

        strict.ApplyState(Leader(0, Local) with { PartitionEpoch = 1 }); // the follower left the ISR
        Assert.Equal(ErrorCode.None, strict.AppendAsLeader(Batch(2), requiredAcks: 1).Error);
        Assert.Equal(3, strict.HighWatermark);

        strict.ApplyState(Leader(0, Local, 3) with { PartitionEpoch = 2 }); // another one joined
        strict.RecordFollowerFetch(3, 5, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(5, strict.HighWatermark);
        _open.Remove(strict);
        strict.Dispose();
        Directory.Delete(_dir, recursive: true);

        var classic = NewPartition(minIsr: 2);
        classic.ApplyState(Leader(0, Local));
        Assert.Equal(ErrorCode.None, classic.AppendAsLeader(Batch(2), requiredAcks: 1).Error);
        Assert.Equal(2, classic.HighWatermark);
    }

    /// <summary>
    /// The high watermark survives a restart (replica.high.watermark.checkpoint.interval.ms and a clean close write it):
    /// a reopened replica starts at the committed offset it knew, not at the log start, so consumers of a restarted
    /// leader are not held back until every follower has fetched again.
    /// </summary>
    [Fact]
    public void The_high_watermark_is_checkpointed_and_restored_when_the_partition_reopens()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        Assert.Equal(ErrorCode.None, p.AppendAsLeader(Batch(5)).Error);
        p.RecordFollowerFetch(2, 3, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(3, p.HighWatermark);
        p.CheckpointHighWatermark();
        p.RecordFollowerFetch(2, 4, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(4, p.HighWatermark);
        _open.Remove(p);
        p.Dispose(); // a clean close checkpoints the latest value

        var reopened = NewPartition();
        Assert.Equal(5, reopened.Log.LogEndOffset);
        Assert.Equal(4, reopened.HighWatermark); // before any state or follower fetch
        reopened.ApplyState(Leader(1, Local, 2));
        Assert.Equal(4, reopened.HighWatermark); // a new leadership keeps it; followers only move it up
    }

    [Fact]
    public void A_sole_in_sync_leader_commits_what_it_appends()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local));
        var result = p.AppendAsLeader(Batch(3));
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(3, p.HighWatermark);
    }

    [Fact]
    public void The_high_watermark_is_the_smallest_log_end_of_the_isr()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2, 3));
        p.AppendAsLeader(Batch(5));
        Assert.Equal(0, p.HighWatermark);

        p.RecordFollowerFetch(2, 5, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(0, p.HighWatermark); // replica 3 has nothing yet
        p.RecordFollowerFetch(3, 2, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(2, p.HighWatermark);
        p.RecordFollowerFetch(3, 5, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(5, p.HighWatermark);

        // It never moves back, even when a follower reports less (e.g. after truncating).
        p.RecordFollowerFetch(3, 1, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(5, p.HighWatermark);
        // A broker outside the replica set is ignored.
        p.RecordFollowerFetch(9, 100, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Null(p.FollowerLogEndOffset(9));
    }

    [Fact]
    public void A_follower_fetch_cannot_claim_more_than_the_leader_has()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        p.AppendAsLeader(Batch(2));
        p.RecordFollowerFetch(2, 50, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(2, p.FollowerLogEndOffset(2));
        Assert.Equal(2, p.HighWatermark);
    }

    [Fact]
    public void The_low_watermark_waits_for_every_in_sync_follower_to_move_its_log_start()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2, 3));
        p.AppendAsLeader(Batch(5));
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        p.RecordFollowerFetch(2, 5, now, logStartOffset: 0);
        p.RecordFollowerFetch(3, 5, now, logStartOffset: 0);
        Assert.Equal(ErrorCode.None, p.Log.DeleteRecordsBefore(4, p.HighWatermark).Error);
        Assert.Equal(0, p.LowWatermark);

        p.RecordFollowerFetch(2, 5, now, logStartOffset: 4);
        Assert.Equal(0, p.LowWatermark);
        p.RecordFollowerFetch(3, 5, now, logStartOffset: 4);
        Assert.Equal(4, p.LowWatermark);

        // A member that never reported a log start holds it at -1; a replica outside the ISR does not count.
        p.ApplyState(new PartitionState(Local, 0, 1, [Local, 2, 3, 4], [Local, 2, 3]));
        Assert.Equal(4, p.LowWatermark);
        p.ApplyState(new PartitionState(Local, 0, 2, [Local, 2, 3, 4], [Local, 2, 3, 4]));
        Assert.Equal(-1, p.LowWatermark);
    }

    /// <summary>A leader of ISR [Local, 2] holding five records, whose follower reported log start 0, after DeleteRecords to 4.</summary>
    private Partition LeaderAfterDeleteRecords()
    {
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        p.AppendAsLeader(Batch(5));
        p.RecordFollowerFetch(2, 5, _time.GetUtcNow().ToUnixTimeMilliseconds(), logStartOffset: 0);
        Assert.Equal(ErrorCode.None, p.DeleteRecordsBefore(4).Error);
        return p;
    }

    [Fact]
    public async Task The_low_watermark_wait_completes_when_a_follower_fetch_moves_it()
    {
        var p = LeaderAfterDeleteRecords();
        var wait = p.WaitForLowWatermarkAsync(4, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        // A fetch that reports a log start short of the target wakes the wait, which goes back to sleep.
        p.RecordFollowerFetch(2, 5, _time.GetUtcNow().ToUnixTimeMilliseconds(), logStartOffset: 2);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        // No clock moves: the fetch itself, not a poll, completes it (the real-time bound only keeps a failure short).
        p.RecordFollowerFetch(2, 5, _time.GetUtcNow().ToUnixTimeMilliseconds(), logStartOffset: 4);
        Assert.Equal((ErrorCode.None, 4L), await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_low_watermark_wait_times_out_while_a_follower_has_not_followed()
    {
        var p = LeaderAfterDeleteRecords();
        var wait = p.WaitForLowWatermarkAsync(4, TimeSpan.FromSeconds(30), CancellationToken.None);
        p.RecordFollowerFetch(2, 5, _time.GetUtcNow().ToUnixTimeMilliseconds(), logStartOffset: 2);
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((ErrorCode.RequestTimedOut, -1L), await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_low_watermark_wait_ends_when_leadership_moves_away()
    {
        var p = LeaderAfterDeleteRecords();
        var wait = p.WaitForLowWatermarkAsync(4, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        p.ApplyState(new PartitionState(2, 1, 1, [Local, 2, 3], [Local, 2]));
        Assert.Equal((ErrorCode.NotLeaderOrFollower, -1L), await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_follower_follows_the_leaders_log_start_up_to_its_high_watermark()
    {
        var p = NewPartition();
        p.ApplyState(new PartitionState(2, 0, 0, [Local, 2, 3], [Local, 2, 3]));
        Assert.Equal(ErrorCode.None, p.AppendAsFollower(Batch(5)).Error);
        p.UpdateHighWatermarkFromLeader(3);

        Assert.Null(p.AdvanceLogStartFromLeader(0));
        Assert.Equal(ErrorCode.None, p.AdvanceLogStartFromLeader(2)!.Value.Error);
        Assert.Equal(2, p.LogStartOffset);
        // Never past what this replica knows is committed, never backwards.
        p.AdvanceLogStartFromLeader(5);
        Assert.Equal(3, p.LogStartOffset);
        Assert.Null(p.AdvanceLogStartFromLeader(1));
        Assert.Equal(3, p.LogStartOffset);
        Assert.Equal(-1, p.LowWatermark); // only a leader has one
    }

    [Fact]
    public void Acks_all_below_min_isr_is_refused_before_appending()
    {
        var p = NewPartition(minIsr: 2);
        p.ApplyState(Leader(0, Local));
        var refused = p.AppendAsLeader(Batch(), requiredAcks: -1);
        Assert.Equal(ErrorCode.NotEnoughReplicas, refused.Error);
        Assert.Equal(0, p.Log.LogEndOffset);
        // acks=1 does not need the ISR.
        Assert.Equal(ErrorCode.None, p.AppendAsLeader(Batch(), requiredAcks: 1).Error);
    }

    [Fact]
    public void A_follower_refuses_leader_appends()
    {
        var p = NewPartition();
        p.ApplyState(new PartitionState(2, 3, 3, [Local, 2], [Local, 2]));
        Assert.False(p.IsLeader);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, p.AppendAsLeader(Batch()).Error);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, p.AppendTransactionMarker(1, 0, 0, commit: true).Error);
    }

    [Fact]
    public void A_stale_state_never_lowers_the_epoch()
    {
        var p = NewPartition();
        p.ApplyState(Leader(5, Local));
        p.ApplyState(Leader(4, Local));
        Assert.Equal(5, p.LeaderEpoch);
        Assert.Equal((5, 0L), p.Log.LatestLeaderEpoch);
    }

    [Fact]
    public async Task Acks_all_waits_until_the_isr_has_the_batch()
    {
        var manager = NewReplicaManager();
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        var result = p.AppendAsLeader(Batch(2), requiredAcks: -1);
        var wait = manager.WaitForCommitAsync(p, result.LastOffset, TimeSpan.FromSeconds(30), default).AsTask();
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        p.RecordFollowerFetch(2, 2, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(ErrorCode.None, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Acks_all_times_out_when_the_isr_does_not_catch_up()
    {
        var manager = NewReplicaManager();
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        var result = p.AppendAsLeader(Batch(), requiredAcks: -1);
        var wait = manager.WaitForCommitAsync(p, result.LastOffset, TimeSpan.FromSeconds(5), default).AsTask();
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(ErrorCode.RequestTimedOut, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Acks_all_reports_lost_leadership()
    {
        var manager = NewReplicaManager();
        var p = NewPartition();
        p.ApplyState(Leader(0, Local, 2));
        var result = p.AppendAsLeader(Batch(), requiredAcks: -1);
        var wait = manager.WaitForCommitAsync(p, result.LastOffset, TimeSpan.FromSeconds(30), default).AsTask();
        p.ApplyState(new PartitionState(2, 1, 1, [Local, 2], [2]));
        Assert.Equal(ErrorCode.NotLeaderOrFollower, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_shrunk_isr_after_the_append_is_not_enough_replicas_after_append()
    {
        var manager = NewReplicaManager();
        var p = new Func<Partition>(() => NewPartition(minIsr: 2))();
        p.ApplyState(Leader(0, Local, 2));
        var result = p.AppendAsLeader(Batch(), requiredAcks: -1);
        Assert.Equal(ErrorCode.None, result.Error);
        // The controller removes the lagging follower: the leader alone is the ISR and commits, but below min.isr.
        p.ApplyState(new PartitionState(Local, 0, 1, [Local, 2], [Local]));
        Assert.Equal(ErrorCode.NotEnoughReplicasAfterAppend,
            await manager.WaitForCommitAsync(p, result.LastOffset, TimeSpan.FromSeconds(30), default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Leader_lookups_answer_kafka_errors()
    {
        var manager = NewReplicaManager();
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, manager.GetLeaderPartition(Tp).Error);
    }
}
