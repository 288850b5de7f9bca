using Brook.Common;
using static Brook.Coordination.Tests.TxnOffsets.TxnOffsetHelpers;

namespace Brook.Coordination.Tests.TxnOffsets;

public class TxnOffsetCleanupTests
{
    [Fact]
    public async Task Deleting_a_group_deletes_its_pending_offsets_and_the_marker_does_not_revive_them()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 11)));

        // Pending offsets do not make the group non-empty (Kafka's rule); every offset key gets its tombstone.
        var deleted = await h.Coordinator.DeleteGroupsAsync(["g"]);
        Assert.Equal(ErrorCode.None, deleted[0].Error);
        var tombstones = h.Log.Records(h.Coordinator.PartitionFor("g")).Where(r => r.Value is null).ToList();
        Assert.Equal(3, tombstones.Count); // t-0, t-1 and the group

        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal("t-0@-1,t-1@-1 | t-0@-1,t-1@-1", Snapshot(h, "g", ("t", 0), ("t", 1)));
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId == "g");

        using var reloaded = Reload(h);
        Assert.Equal("t-0@-1,t-1@-1 | t-0@-1,t-1@-1", Snapshot(reloaded, "g", ("t", 0), ("t", 1)));
        Assert.DoesNotContain(reloaded.Coordinator.ListGroups().Groups, g => g.GroupId == "g");
    }

    [Fact]
    public async Task Deleting_a_pending_offset_writes_a_tombstone_the_marker_cannot_undo()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 11)));
        var result = await h.Coordinator.DeleteOffsetsAsync("g", [new TopicPartition("t", 0)]);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Null(h.Log.Records(h.Coordinator.PartitionFor("g"))[^1].Value);
        Assert.Equal("t-0@-1,t-1@-1 | t-0@-1,t-1!UnstableOffsetCommit", Snapshot(h, "g", ("t", 0), ("t", 1)));

        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal("t-0@-1,t-1@11 | t-0@-1,t-1@11", Snapshot(h, "g", ("t", 0), ("t", 1)));
        using var reloaded = Reload(h);
        Assert.Equal("t-0@-1,t-1@11 | t-0@-1,t-1@11", Snapshot(reloaded, "g", ("t", 0), ("t", 1)));
    }

    [Fact]
    public async Task Expiry_spares_offsets_with_a_pending_transaction_and_groups_with_an_open_one()
    {
        const int retentionMs = 60_000;
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetsRetentionMs = retentionMs });
        await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 5), new OffsetCommitEntry("t", 1, 6)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 10)));
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("pending-only", 43, new OffsetCommitEntry("t", 0, 1)));
        h.Advance(retentionMs + 1);

        Assert.Equal(1, await h.Coordinator.ExpireOffsetsAsync());
        Assert.Equal("t-0@5,t-1@-1 | t-0!UnstableOffsetCommit,t-1@-1", Snapshot(h, "g", ("t", 0), ("t", 1)));
        Assert.Contains(h.Coordinator.ListGroups().Groups, g => g.GroupId == "g");
        Assert.Contains(h.Coordinator.ListGroups().Groups, g => g.GroupId == "pending-only");

        // Once the transactions end, their offsets age like any other (counted from the TxnOffsetCommit).
        await EndTransaction(h, "g", 42, commit: true);
        await EndTransaction(h, "pending-only", 43, commit: true);
        Assert.Equal(10, Fetch(h, "g", "t", 0).Offset);
        Assert.Equal(2, await h.Coordinator.ExpireOffsetsAsync());
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId is "g" or "pending-only");
    }
}
