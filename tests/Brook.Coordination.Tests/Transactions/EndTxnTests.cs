using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

public class EndTxnTests
{
    [Fact]
    public async Task Adding_partitions_starts_an_ongoing_transaction()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        var started = h.NowMs;
        Assert.Equal(ErrorCode.None, await h.Add("tx", p, ("t", 1), ("t", 0)));
        await h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCode.None, await h.Add("tx", p, ("u", 0)));
        var eventsBefore = h.Events.Count;
        // Partitions already in the transaction: answered without a record.
        Assert.Equal(ErrorCode.None, await h.Add("tx", p, ("t", 0)));
        Assert.Equal(eventsBefore, h.Events.Count);

        var d = h.Describe("tx");
        Assert.Equal("Ongoing", d.State);
        Assert.Equal(started, d.TransactionStartTimeMs);
        Assert.Equal(1000, d.ProducerId);
        Assert.Equal(30_000, d.TransactionTimeoutMs);
        Assert.Equal(["t:0,1", "u:0"], d.Topics.Select(t => $"{t.Topic}:{string.Join(",", t.Partitions)}"));
    }

    [Fact]
    public async Task Commit_writes_prepare_then_markers_on_every_partition_then_complete()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0), ("t", 1));
        await h.Add("tx", p, ("u", 5));
        h.Events.Clear();

        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        await h.Coordinator.DrainAsync();
        Assert.Equal(["append:PrepareCommit", "markers:commit", "append:CompleteCommit"], h.Events);
        var call = Assert.Single(h.Markers.Calls);
        Assert.Equal(new MarkerCall(1000, 0, 0, true, call.Partitions), call);
        Assert.Equal([("t", 0), ("t", 1), ("u", 5)], call.Partitions);

        var prepare = h.Log.ValuesOf("tx")[^2]!;
        Assert.Equal(TransactionState.PrepareCommit, prepare.State);
        Assert.Equal(3, prepare.Partitions.Count);
        var complete = h.Log.ValuesOf("tx")[^1]!;
        Assert.Equal(TransactionState.CompleteCommit, complete.State);
        Assert.Empty(complete.Partitions);

        var d = h.Describe("tx");
        Assert.Equal("CompleteCommit", d.State);
        Assert.Empty(d.Topics);
        // No group took part: the group coordinator hears nothing.
        Assert.Empty(h.Listener.Calls);
    }

    [Fact]
    public async Task Abort_writes_abort_markers()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Events.Clear();
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: false));
        await h.Coordinator.DrainAsync();
        Assert.Equal(["append:PrepareAbort", "markers:abort", "append:CompleteAbort"], h.Events);
        Assert.False(Assert.Single(h.Markers.Calls).Commit);
        Assert.Equal("CompleteAbort", h.Describe("tx").State);
    }

    [Fact]
    public async Task EndTxn_errors_follow_kafka()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        // No transaction open.
        Assert.Equal(ErrorCode.InvalidTxnState, await h.End("tx", p, commit: true));
        Assert.Equal(ErrorCode.InvalidTxnState, await h.End("tx", p, commit: false));
        Assert.Equal(ErrorCode.InvalidRequest, await h.End("", p, commit: true));

        await h.Add("tx", p, ("t", 0));
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        await h.Coordinator.DrainAsync();
        // A retry with the same outcome succeeds; the opposite outcome is refused.
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        Assert.Equal(ErrorCode.InvalidTxnState, await h.End("tx", p, commit: false));

        await h.Add("tx", p, ("t", 0));
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: false));
        await h.Coordinator.DrainAsync();
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: false));
        Assert.Equal(ErrorCode.InvalidTxnState, await h.End("tx", p, commit: true));
    }

    [Fact]
    public async Task While_markers_are_written_the_transaction_is_busy()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Markers.Hold = true;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        Assert.Equal("PrepareCommit", h.Describe("tx").State);

        Assert.Equal(ErrorCode.ConcurrentTransactions, await h.Add("tx", p, ("t", 1)));
        Assert.Equal(ErrorCode.ConcurrentTransactions, await h.End("tx", p, commit: true));
        Assert.Equal(ErrorCode.InvalidTxnState, await h.End("tx", p, commit: false));

        h.Markers.Release();
        await h.Coordinator.DrainAsync();
        Assert.Equal("CompleteCommit", h.Describe("tx").State);
        // The next transaction starts afresh.
        await h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ErrorCode.None, await h.Add("tx", p, ("t", 1)));
        var d = h.Describe("tx");
        Assert.Equal("Ongoing", d.State);
        Assert.Equal(h.NowMs, d.TransactionStartTimeMs);
        Assert.Equal(["t:1"], d.Topics.Select(t => $"{t.Topic}:{string.Join(",", t.Partitions)}"));
    }

    [Fact]
    public async Task Failed_markers_are_retried_after_a_backoff_until_they_land()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0), ("t", 1), ("t", 2));
        // The first call fails partition 1; the retry succeeds.
        h.Markers.Respond = (call, tp) => call == 0 && tp.Partition == 1 ? ErrorCode.NotLeaderOrFollower : ErrorCode.None;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        // The in-memory peers answer synchronously, so the first round is over; the retry waits for the clock.
        Assert.Single(h.Markers.Calls);
        Assert.Equal("PrepareCommit", h.Describe("tx").State);

        await h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, h.Markers.Calls.Count);
        Assert.Equal([("t", 1)], h.Markers.Calls[1].Partitions);
        Assert.Equal("CompleteCommit", h.Describe("tx").State);
    }

    [Fact]
    public async Task A_throwing_marker_writer_is_retried_for_every_partition()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0), ("t", 1));
        h.Markers.Respond = (call, _) => call == 0 ? throw new IOException("broken (test)") : ErrorCode.None;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: false));
        Assert.Equal("PrepareAbort", h.Describe("tx").State);
        await h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, h.Markers.Calls.Count);
        Assert.Equal([("t", 0), ("t", 1)], h.Markers.Calls[1].Partitions);
        Assert.Equal("CompleteAbort", h.Describe("tx").State);
    }

    [Fact]
    public async Task A_failed_completing_record_is_retried()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Log.FailWhen = v => v?.State == TransactionState.CompleteCommit ? ErrorCode.NotEnoughReplicas : null;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        Assert.Single(h.Markers.Calls);
        Assert.Equal("PrepareCommit", h.Describe("tx").State);

        h.Log.FailWhen = null;
        await h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("CompleteCommit", h.Describe("tx").State);
        // The markers are not written again, only the record.
        Assert.Single(h.Markers.Calls);
    }

    [Fact]
    public async Task A_fenced_marker_stops_the_completion()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        h.Markers.Respond = (_, _) => ErrorCode.InvalidProducerEpoch;
        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        await h.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(h.Markers.Calls);
        Assert.Equal("PrepareCommit", h.Describe("tx").State);
    }

    [Fact]
    public async Task Offsets_partitions_join_the_transaction_and_the_group_coordinator_hears_the_outcome()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        Assert.Equal(ErrorCode.None, await h.Add("tx", p, ("t", 0)));
        Assert.Equal(ErrorCode.None, await h.Coordinator.AddOffsetsToTxnAsync(new AddOffsetsToTxnArgs("tx", p.ProducerId, p.ProducerEpoch, "group-a")));
        var offsetsPartition = GroupPartitioner.PartitionFor("group-a", 7);
        Assert.Equal(new TopicPartition("__consumer_offsets", offsetsPartition), h.Coordinator.OffsetsPartitionFor("group-a"));
        Assert.Contains(h.Describe("tx").Topics, t => t.Topic == "__consumer_offsets" && t.Partitions.SequenceEqual([offsetsPartition]));

        Assert.Equal(ErrorCode.None, await h.End("tx", p, commit: true));
        await h.Coordinator.DrainAsync();
        Assert.Contains(("__consumer_offsets", offsetsPartition), Assert.Single(h.Markers.Calls).Partitions);
        var told = Assert.Single(h.Listener.Calls);
        Assert.Equal((1000L, (short)0, true), (told.ProducerId, told.ProducerEpoch, told.Committed));
        Assert.Equal([offsetsPartition], told.OffsetsPartitions);

        Assert.Equal(ErrorCode.ProducerFenced, await h.Coordinator.AddOffsetsToTxnAsync(new AddOffsetsToTxnArgs("tx", p.ProducerId, 9, "group-a")));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, await h.Coordinator.AddOffsetsToTxnAsync(
            new AddOffsetsToTxnArgs("tx", p.ProducerId, 9, "group-a") { FencedAsInvalidProducerEpoch = true }));
    }

    [Fact]
    public async Task Verify_only_answers_per_partition_without_writing()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        await h.Add("tx", p, ("t", 0));
        var eventsBefore = h.Events.Count;
        var result = h.Coordinator.VerifyPartitionsInTxn("tx", p.ProducerId, p.ProducerEpoch, [new TopicPartition("t", 0), new TopicPartition("t", 1)]);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal([ErrorCode.None, ErrorCode.TransactionAbortable], result.Partitions.Select(r => r.Error));
        Assert.Equal(eventsBefore, h.Events.Count);

        Assert.Equal(ErrorCode.ProducerFenced, h.Coordinator.VerifyPartitionsInTxn("tx", p.ProducerId, 5, [new TopicPartition("t", 0)]).Error);
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, h.Coordinator.VerifyPartitionsInTxn("zz", p.ProducerId, 0, [new TopicPartition("t", 0)]).Error);

        await h.End("tx", p, commit: true);
        await h.Coordinator.DrainAsync();
        // The transaction is over: its partitions are no longer in it.
        Assert.Equal(ErrorCode.TransactionAbortable,
            h.Coordinator.VerifyPartitionsInTxn("tx", p.ProducerId, p.ProducerEpoch, [new TopicPartition("t", 0)]).Partitions[0].Error);
    }
}
