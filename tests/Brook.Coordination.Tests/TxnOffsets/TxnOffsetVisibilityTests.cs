using Brook.Common;
using Brook.Coordination.Records;
using static Brook.Coordination.Tests.TxnOffsets.TxnOffsetHelpers;

namespace Brook.Coordination.Tests.TxnOffsets;

public class TxnOffsetVisibilityTests
{
    [Fact]
    public async Task Pending_offsets_are_invisible_until_the_transaction_commits()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5)));

        var results = await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, 3, new OffsetCommitEntry("t", 0, 10, 7, "m"), new OffsetCommitEntry("t", 1, 20)));
        Assert.Equal([ErrorCode.None, ErrorCode.None], results.Select(r => r.Error));
        Assert.Equal(5, Fetch(h, "g", "t", 0).Offset);
        Assert.Equal(-1, Fetch(h, "g", "t", 1).Offset);
        Assert.Equal(["t-0@5"], h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets.Select(o => $"{o.Topic}-{o.Partition}@{o.Offset}"));

        // Written as ordinary OffsetCommit records, but in the producer's transactional batch.
        var written = h.Log.Entries(h.Coordinator.PartitionFor("g")).TakeLast(2).ToList();
        Assert.All(written, e => Assert.True(e.IsTransactional && e.ProducerId == 42 && e.ProducerEpoch == 3));
        Assert.Equal(10, OffsetCommitValue.Decode(written[0].Value).Offset);

        await EndTransaction(h, "g", 42, commit: true, epoch: 3);
        Assert.Equal(new FetchedOffset("t", 0, 10, 7, "m", ErrorCode.None), Fetch(h, "g", "t", 0));
        Assert.Equal(20, Fetch(h, "g", "t", 1).Offset);
    }

    [Fact]
    public async Task An_aborted_transaction_drops_its_offsets()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 20)));

        await EndTransaction(h, "g", 42, commit: false);
        Assert.Equal("t-0@5,t-1@-1 | t-0@5,t-1@-1", Snapshot(h, "g", ("t", 0), ("t", 1)));

        // A group that only ever had the aborted offsets is gone with them.
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("only-txn", 43, new OffsetCommitEntry("t", 0, 1)));
        Assert.Contains(h.Coordinator.ListGroups().Groups, g => g.GroupId == "only-txn");
        await EndTransaction(h, "only-txn", 43, commit: false);
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId == "only-txn");
    }

    [Fact]
    public async Task A_require_stable_fetch_answers_unstable_offset_commit_for_pending_partitions()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5), new OffsetCommitEntry("t", 2, 7)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 20)));

        var stable = Fetch(h, "g", "t", 0, requireStable: true);
        Assert.Equal(new FetchedOffset("t", 0, -1, -1, "", ErrorCode.UnstableOffsetCommit), stable);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(h, "g", "t", 1, requireStable: true).Error);
        Assert.Equal("t-2@7", $"t-2@{Fetch(h, "g", "t", 2, requireStable: true).Offset}");
        // Without RequireStable: the last committed offset.
        Assert.Equal("t-0@5,t-1@-1,t-2@7 | t-0!UnstableOffsetCommit,t-1!UnstableOffsetCommit,t-2@7", Snapshot(h, "g", ("t", 0), ("t", 1), ("t", 2)));

        // Fetching all offsets lists the committed ones; those with a pending transaction are unstable.
        var all = h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null, RequireStable: true));
        Assert.Equal(["t-0:-1:UnstableOffsetCommit", "t-2:7:None"], all.Offsets.Select(o => $"{o.Topic}-{o.Partition}:{o.Offset}:{o.Error}"));

        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal("t-0@10,t-1@20,t-2@7 | t-0@10,t-1@20,t-2@7", Snapshot(h, "g", ("t", 0), ("t", 1), ("t", 2)));
    }

    [Fact]
    public async Task A_committed_transaction_replaces_only_offsets_written_before_it()
    {
        using var h = new CoordinatorHarness();
        // Transactional first, plain commit after it: the plain one is newer in the log and stays.
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 30)));
        // Plain first, transactional after it: the transaction's offset wins when it commits.
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 1, 30)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 1, 10)));

        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal("t-0@30,t-1@10 | t-0@30,t-1@10", Snapshot(h, "g", ("t", 0), ("t", 1)));
    }

    [Fact]
    public async Task A_plain_commit_in_flight_before_the_transactional_one_does_not_override_it()
    {
        using var h = new CoordinatorHarness();
        h.Log.Hold = true;
        var plain = h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5))).AsTask();
        h.Log.Hold = false;
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(10, Fetch(h, "g", "t", 0).Offset);

        // The older plain commit completes last, but it was written first: it must not win.
        h.Log.ReleaseHeld();
        await plain;
        Assert.Equal(10, Fetch(h, "g", "t", 0).Offset);
        using var reloaded = Reload(h);
        Assert.Equal(10, Fetch(reloaded, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task A_later_commit_in_the_same_transaction_replaces_the_earlier_one()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 15)));
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(15, Fetch(h, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task A_marker_completes_only_its_producer_in_the_partitions_it_names()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 43, new OffsetCommitEntry("t", 1, 11)));
        var partition = h.Coordinator.PartitionFor("g");

        // Another __consumer_offsets partition's marker does not touch this group.
        await h.Coordinator.CompleteTransactionAsync(42, 0, true, [(partition + 1) % CoordinatorHarness.Partitions]);
        Assert.Equal("t-0@-1,t-1@-1 | t-0!UnstableOffsetCommit,t-1!UnstableOffsetCommit", Snapshot(h, "g", ("t", 0), ("t", 1)));

        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal("t-0@10,t-1@-1 | t-0@10,t-1!UnstableOffsetCommit", Snapshot(h, "g", ("t", 0), ("t", 1)));

        // A marker for a producer with nothing pending (or a repeated one) changes nothing.
        await EndTransaction(h, "g", 42, commit: false);
        await EndTransaction(h, "g", 99, commit: true);
        Assert.Equal("t-0@10,t-1@-1 | t-0@10,t-1!UnstableOffsetCommit", Snapshot(h, "g", ("t", 0), ("t", 1)));
    }

    [Fact]
    public async Task The_group_coordinator_is_the_transaction_coordinators_completion_listener()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        Brook.Coordination.Transactions.ITransactionCompletionListener listener = h.Coordinator;
        await listener.OnTransactionCompletedAsync(42, 0, true, [h.Coordinator.PartitionFor("g")], CancellationToken.None);
        Assert.Equal(10, Fetch(h, "g", "t", 0).Offset);
    }
}
