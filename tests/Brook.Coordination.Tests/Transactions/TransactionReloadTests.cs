using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

public class TransactionReloadTests
{
    private static string Show(DescribedTransaction d) =>
        $"{d.Error} {d.State} {d.ProducerId}/{d.ProducerEpoch} {d.TransactionTimeoutMs} {d.TransactionStartTimeMs} " +
        string.Join(";", d.Topics.Select(t => $"{t.Topic}:{string.Join(",", t.Partitions)}"));

    [Fact]
    public async Task Replaying_the_log_restores_every_id()
    {
        using var source = new TransactionHarness();
        var a = await source.Init("ongoing", 40_000);
        await source.Add("ongoing", a, ("t", 0), ("u", 3));
        var b = await source.Init("committed");
        await source.Add("committed", b, ("t", 1));
        await source.End("committed", b, commit: true);
        var c = await source.Init("aborted");
        await source.Add("aborted", c, ("t", 2));
        await source.End("aborted", c, commit: false);
        await source.Init("bumped");
        await source.Init("bumped");
        await source.Coordinator.DrainAsync();

        using var fresh = TransactionHarness.Reload(source);
        string[] ids = ["ongoing", "committed", "aborted", "bumped", "unknown"];
        foreach (var id in ids) Assert.Equal(Show(source.Describe(id)), Show(fresh.Describe(id)));
        Assert.Equal(source.Coordinator.ListTransactions(new ListTransactionsArgs()), fresh.Coordinator.ListTransactions(new ListTransactionsArgs()),
            new ListComparer());
        // Nothing needed completing.
        Assert.Empty(fresh.Markers.Calls);
        // The restored producer carries on.
        Assert.Equal(ErrorCode.None, await fresh.End("ongoing", a, commit: true));
    }

    private sealed class ListComparer : IEqualityComparer<ListTransactionsResult>
    {
        public bool Equals(ListTransactionsResult? x, ListTransactionsResult? y) =>
            x!.Error == y!.Error && x.Transactions.SequenceEqual(y.Transactions);

        public int GetHashCode(ListTransactionsResult obj) => 0;
    }

    [Fact]
    public async Task A_transaction_left_in_prepare_commit_is_completed_after_a_restart()
    {
        using var source = new TransactionHarness();
        var p = await source.Init("tx");
        await source.Add("tx", p, ("t", 0), ("t", 1));
        await source.Coordinator.AddOffsetsToTxnAsync(new AddOffsetsToTxnArgs("tx", p.ProducerId, p.ProducerEpoch, "g"));
        // The broker dies while writing markers: the decision is durable, the markers are not.
        source.Markers.Hold = true;
        Assert.Equal(ErrorCode.None, await source.End("tx", p, commit: true));
        Assert.Equal("PrepareCommit", source.Describe("tx").State);
        source.Coordinator.Dispose();

        using var fresh = TransactionHarness.Reload(source, coordinatorEpoch: 4);
        await fresh.Coordinator.DrainAsync();
        var call = Assert.Single(fresh.Markers.Calls);
        var offsets = GroupPartitioner.PartitionFor("g", 7);
        Assert.True(call.Commit);
        Assert.Equal((p.ProducerId, p.ProducerEpoch, 4), (call.ProducerId, call.ProducerEpoch, call.CoordinatorEpoch));
        Assert.Equal([("__consumer_offsets", offsets), ("t", 0), ("t", 1)], call.Partitions);
        Assert.Equal(["markers:commit", "append:CompleteCommit"], fresh.Events);
        Assert.Equal("CompleteCommit", fresh.Describe("tx").State);
        Assert.Equal([offsets], Assert.Single(fresh.Listener.Calls).OffsetsPartitions);
        // The producer's retried EndTxn is answered as a success.
        Assert.Equal(ErrorCode.None, await fresh.End("tx", p, commit: true));
    }

    [Fact]
    public async Task A_transaction_left_in_prepare_abort_is_completed_after_a_restart()
    {
        using var source = new TransactionHarness();
        var p = await source.Init("tx");
        await source.Add("tx", p, ("t", 0));
        source.Markers.Hold = true;
        await source.End("tx", p, commit: false);
        source.Coordinator.Dispose();

        using var fresh = TransactionHarness.Reload(source);
        await fresh.Coordinator.DrainAsync();
        Assert.False(Assert.Single(fresh.Markers.Calls).Commit);
        Assert.Equal("CompleteAbort", fresh.Describe("tx").State);
    }

    [Fact]
    public async Task Tombstones_remove_ids_and_ongoing_transactions_still_time_out_after_a_reload()
    {
        using var source = new TransactionHarness();
        var p = await source.Init("tx", timeoutMs: 5_000);
        await source.Add("tx", p, ("t", 0));
        var q = await source.Init("gone");
        await source.Add("gone", q, ("t", 0));
        await source.End("gone", q, commit: true);
        await source.Coordinator.DrainAsync();
        // Expire "gone" by hand-made tombstone in the log: reload sees it removed.
        await source.Log.AppendAsync(source.Coordinator.PartitionFor("gone"), [(Brook.Coordination.Transactions.Records.TransactionLogKey.Encode("gone"), null)], default);

        using var fresh = TransactionHarness.Reload(source);
        Assert.Equal(ErrorCode.TransactionalIdNotFound, fresh.Describe("gone").Error);
        await fresh.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("CompleteAbort", fresh.Describe("tx").State);
        Assert.Equal((short)1, fresh.Describe("tx").ProducerEpoch);
    }

    [Fact]
    public async Task Unloading_stops_requests_and_replay_requires_loading()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("tx");
        var partition = h.Coordinator.PartitionFor("tx");
        h.Coordinator.Unload(partition);
        Assert.Equal(ErrorCode.NotCoordinator, await h.Add("tx", p, ("t", 0)));
        Assert.Equal(ErrorCode.NotCoordinator, h.Describe("tx").Error);
        Assert.Throws<InvalidOperationException>(() => h.Coordinator.Replay(partition, h.Log.Records(partition)[0].Key, h.Log.Records(partition)[0].Value));
    }
}
