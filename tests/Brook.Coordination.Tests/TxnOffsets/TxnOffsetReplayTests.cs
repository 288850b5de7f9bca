using Brook.Common;
using static Brook.Coordination.Tests.TxnOffsets.TxnOffsetHelpers;

namespace Brook.Coordination.Tests.TxnOffsets;

public class TxnOffsetReplayTests
{
    private static readonly (string, int)[] T0To3 = [("t", 0), ("t", 1), ("t", 2), ("t", 3)];

    [Fact]
    public async Task Replaying_batches_and_markers_rebuilds_committed_aborted_and_open_transactions()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5)));
        // Producer 42 commits t-0 and t-1, but a plain commit of t-1 comes after its record: that one stays.
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 11)));
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 1, 12)));
        // Producer 43 aborts; producer 44 is still open at the restart.
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 43, new OffsetCommitEntry("t", 2, 20)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 44, new OffsetCommitEntry("t", 3, 30)));
        await EndTransaction(h, "g", 42, commit: true);
        await EndTransaction(h, "g", 43, commit: false);

        var before = Snapshot(h, "g", T0To3);
        Assert.Equal("t-0@10,t-1@12,t-2@-1,t-3@-1 | t-0@10,t-1@12,t-2@-1,t-3!UnstableOffsetCommit", before);
        using var reloaded = Reload(h);
        Assert.Equal(before, Snapshot(reloaded, "g", T0To3));

        // The open transaction ends after the restart: the reloaded coordinator completes it.
        await EndTransaction(reloaded, "g", 44, commit: true);
        Assert.Equal("t-0@10,t-1@12,t-2@-1,t-3@30 | t-0@10,t-1@12,t-2@-1,t-3@30", Snapshot(reloaded, "g", T0To3));
    }

    [Fact]
    public async Task A_transactional_record_written_after_a_plain_one_wins_after_a_reload_too()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 50)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 15)));
        await EndTransaction(h, "g", 42, commit: true);
        using var reloaded = Reload(h);
        Assert.Equal(15, Fetch(reloaded, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task Records_replayed_without_their_batch_flags_are_plain_commits()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        using var legacy = new CoordinatorHarness(time: h.Time, load: false);
        var partition = h.Coordinator.PartitionFor("g");
        legacy.Coordinator.BeginLoading(partition);
        foreach (var (key, value) in h.Log.Records(partition)) legacy.Coordinator.Replay(partition, key, value, value is null);
        legacy.Coordinator.CompleteLoading(partition);
        Assert.Equal(10, Fetch(legacy, "g", "t", 0, requireStable: true).Offset);
    }

    [Fact]
    public void Control_records_are_replayed_only_into_a_loading_partition()
    {
        using var h = new CoordinatorHarness();
        Assert.Throws<InvalidOperationException>(() => h.Coordinator.ReplayControl(0, 42, commit: true));
    }

    [Fact]
    public async Task A_marker_reported_while_the_partition_loads_completes_what_was_loaded()
    {
        using var h = new CoordinatorHarness();
        var partition = h.Coordinator.PartitionFor("g");
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));

        using var fresh = new CoordinatorHarness(time: h.Time, load: false);
        fresh.Coordinator.BeginLoading(partition);
        var entries = h.Log.Entries(partition);
        foreach (var e in entries) fresh.Coordinator.Replay(partition, e.Key, e.Value, e.Value is null, e.ProducerId, e.IsTransactional);
        // The marker lands after the loader read the log's end: only the live notification can complete it.
        h.Log.AppendMarker(partition, 42, 0, commit: true);
        await fresh.Coordinator.CompleteTransactionAsync(42, 0, true, [partition]);
        fresh.Coordinator.CompleteLoading(partition);
        Assert.Equal(10, Fetch(fresh, "g", "t", 0, requireStable: true).Offset);
    }

    [Fact]
    public async Task Unloading_and_loading_again_keeps_an_open_transaction_pending()
    {
        using var h = new CoordinatorHarness();
        var partition = h.Coordinator.PartitionFor("g");
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        h.Coordinator.Unload(partition);
        // Not ours while unloaded: the marker is ignored here (the log keeps it for whoever loads the partition).
        await h.Coordinator.CompleteTransactionAsync(42, 0, true, [partition]);
        Load(h, h.Log, partition);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(h, "g", "t", 0, requireStable: true).Error);
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(10, Fetch(h, "g", "t", 0).Offset);
    }
}
