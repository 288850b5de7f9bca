using Brook.Common;

namespace Brook.Coordination.Tests;

public class OffsetTests
{
    private static OffsetCommitArgs Commit(string group, JoinGroupResult? member, params OffsetCommitEntry[] offsets) => new()
    {
        GroupId = group,
        GenerationId = member?.GenerationId ?? -1,
        MemberId = member?.MemberId ?? "",
        Offsets = offsets,
    };

    [Fact]
    public async Task Members_commit_and_fetch_offsets()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var results = await h.Coordinator.CommitOffsetsAsync(Commit("g", members[0],
            new OffsetCommitEntry("t1", 0, 100, 3, "meta"), new OffsetCommitEntry("t1", 1, 200)));
        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));

        var fetched = h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", [new("t1", 0), new("t1", 1), new("t2", 0)]));
        Assert.Equal(ErrorCode.None, fetched.Error);
        Assert.Equal(new FetchedOffset("t1", 0, 100, 3, "meta", ErrorCode.None), fetched.Offsets[0]);
        // A null metadata string is stored as "".
        Assert.Equal(new FetchedOffset("t1", 1, 200, -1, "", ErrorCode.None), fetched.Offsets[1]);
        Assert.Equal(new FetchedOffset("t2", 0, -1, -1, "", ErrorCode.None), fetched.Offsets[2]);

        var all = h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null));
        Assert.Equal([("t1", 0, 100L), ("t1", 1, 200L)], all.Offsets.Select(o => (o.Topic, o.Partition, o.Offset)));

        // A later commit replaces the earlier one.
        await h.Coordinator.CommitOffsetsAsync(Commit("g", members[1], new OffsetCommitEntry("t1", 0, 150)));
        Assert.Equal(150, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", [new("t1", 0)])).Offsets[0].Offset);
    }

    [Fact]
    public async Task Simple_consumers_commit_with_generation_minus_one()
    {
        using var h = new CoordinatorHarness();
        var results = await h.Coordinator.CommitOffsetsAsync(Commit("simple", null, new OffsetCommitEntry("t", 0, 7)));
        Assert.Equal(ErrorCode.None, results[0].Error);
        Assert.Equal(7, h.Coordinator.FetchOffsets(new OffsetFetchArgs("simple", null)).Offsets.Single().Offset);
        var listed = h.Coordinator.ListGroups().Groups.Single(g => g.GroupId == "simple");
        Assert.Equal(GroupState.Empty, listed.State);
        Assert.Equal("", listed.ProtocolType);

        // A non-negative generation for a group that does not exist is stale.
        var stale = await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "nobody", GenerationId = 3, MemberId = "m", Offsets = [new OffsetCommitEntry("t", 0, 1)] });
        Assert.Equal(ErrorCode.IllegalGeneration, stale[0].Error);
    }

    [Fact]
    public async Task Simple_commits_into_an_active_group_are_rejected()
    {
        using var h = new CoordinatorHarness();
        await h.FormStableGroup("g", [null]);
        var results = await h.Coordinator.CommitOffsetsAsync(Commit("g", null, new OffsetCommitEntry("t", 0, 7)));
        Assert.Equal(ErrorCode.UnknownMemberId, results[0].Error);
    }

    [Fact]
    public async Task Commits_are_fenced_by_generation_and_membership()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var a = members[0];
        Assert.Equal(ErrorCode.IllegalGeneration,
            (await h.Coordinator.CommitOffsetsAsync(Commit("g", a with { GenerationId = 0 }, new OffsetCommitEntry("t", 0, 1))))[0].Error);
        Assert.Equal(ErrorCode.UnknownMemberId,
            (await h.Coordinator.CommitOffsetsAsync(Commit("g", a with { MemberId = "ghost" }, new OffsetCommitEntry("t", 0, 1))))[0].Error);

        // During PreparingRebalance the current generation may still commit (to save progress before rejoining)...
        var joinC = h.Join("g");
        Assert.Equal(ErrorCode.None, (await h.Coordinator.CommitOffsetsAsync(Commit("g", a, new OffsetCommitEntry("t", 0, 1))))[0].Error);
        // ...but not while waiting for the new assignment.
        var rejoins = new[] { h.Join("g", a.MemberId), h.Join("g", members[1].MemberId) };
        var newGen = await rejoins[0];
        Assert.Equal(GroupState.CompletingRebalance, h.StateOf("g"));
        Assert.Equal(ErrorCode.RebalanceInProgress,
            (await h.Coordinator.CommitOffsetsAsync(Commit("g", newGen, new OffsetCommitEntry("t", 0, 2))))[0].Error);
        Assert.Equal(ErrorCode.IllegalGeneration,
            (await h.Coordinator.CommitOffsetsAsync(Commit("g", a, new OffsetCommitEntry("t", 0, 2))))[0].Error);
        await joinC;
    }

    [Fact]
    public async Task Oversized_metadata_fails_only_its_partition()
    {
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetMetadataMaxBytes = 5 });
        var results = await h.Coordinator.CommitOffsetsAsync(Commit("s", null,
            new OffsetCommitEntry("t", 0, 1, Metadata: "123456"), new OffsetCommitEntry("t", 1, 2, Metadata: "12345")));
        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.None], results.Select(r => r.Error));
        Assert.Equal([1], h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", null)).Offsets.Select(o => o.Partition));
    }

    [Fact]
    public async Task Offsets_become_visible_only_when_durable()
    {
        using var h = new CoordinatorHarness();
        h.Log.Hold = true;
        var commit = h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 9))).AsTask();
        Assert.False(commit.IsCompleted);
        Assert.Equal(-1, h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", [new("t", 0)])).Offsets[0].Offset);
        h.Log.ReleaseHeld();
        Assert.Equal(ErrorCode.None, (await commit)[0].Error);
        Assert.Equal(9, h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", [new("t", 0)])).Offsets[0].Offset);
    }

    [Fact]
    public async Task A_failed_append_fails_the_commit_and_changes_nothing()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 1)));
        h.Log.FailWith = ErrorCode.NotLeaderOrFollower;
        var failed = await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 2)));
        Assert.Equal(ErrorCode.NotCoordinator, failed[0].Error);
        h.Log.FailWith = ErrorCode.MessageTooLarge;
        failed = await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 2)));
        Assert.Equal(ErrorCode.InvalidCommitOffsetSize, failed[0].Error);
        Assert.Equal(1, h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", [new("t", 0)])).Offsets[0].Offset);
    }

    [Fact]
    public async Task A_commit_logged_before_a_deletion_does_not_come_back_when_it_completes_after()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 1)));
        h.Log.Hold = true;
        var commit = h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 2))).AsTask();
        var delete = h.Coordinator.DeleteOffsetsAsync("s", [new("t", 0)]).AsTask();
        h.Log.ReleaseHeld();
        await commit;
        Assert.Equal(ErrorCode.None, (await delete).Partitions[0].Error);
        Assert.Equal(-1, h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", [new("t", 0)])).Offsets[0].Offset);
    }

    [Fact]
    public async Task Offset_delete_protects_topics_an_active_consumer_group_subscribes_to()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", [null]);
        await h.Coordinator.CommitOffsetsAsync(Commit("g", members[0], new OffsetCommitEntry("t1", 0, 1), new OffsetCommitEntry("old", 0, 1)));
        var result = await h.Coordinator.DeleteOffsetsAsync("g", [new("t1", 0), new("old", 0)]);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal([ErrorCode.GroupSubscribedToTopic, ErrorCode.None], result.Partitions.Select(p => p.Error));
        Assert.Equal(["t1"], h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets.Select(o => o.Topic));
        Assert.Equal(ErrorCode.GroupIdNotFound, (await h.Coordinator.DeleteOffsetsAsync("nope", [new("t", 0)])).Error);

        // The tombstone is in the log.
        var last = h.Log.AllRecords()[^1];
        Assert.Null(last.Value);
        Assert.Equal("old", Records.OffsetsRecordKey.Parse(last.Key).Topic);
    }

    [Fact]
    public async Task Offsets_of_an_empty_group_expire_after_the_retention_and_the_group_goes_with_them()
    {
        const long retention = 60 * 60_000;
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetsRetentionMs = retention });
        var members = await h.FormStableGroup("g", [null]);
        await h.Coordinator.CommitOffsetsAsync(Commit("g", members[0], new OffsetCommitEntry("t1", 0, 1)));
        await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 1)));
        h.Coordinator.LeaveGroup(new LeaveGroupArgs("g", [new LeavingMember(members[0].MemberId)]));
        Assert.Equal(GroupState.Empty, h.StateOf("g"));

        h.Advance((int)retention - 1);
        Assert.Equal(0, await h.Coordinator.ExpireOffsetsAsync());
        h.Advance(1);
        Assert.Equal(2, await h.Coordinator.ExpireOffsetsAsync());
        Assert.Empty(h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets);
        Assert.Empty(h.Coordinator.ListGroups().Groups);
        // In each group's partition: the offset tombstone, then the group tombstone.
        foreach (var group in new[] { "g", "s" })
        {
            var tail = h.Log.Records(h.Coordinator.PartitionFor(group)).TakeLast(2).ToList();
            Assert.All(tail, r => Assert.Null(r.Value));
            Assert.Equal(Records.OffsetsRecordType.OffsetCommit, Records.OffsetsRecordKey.Parse(tail[0].Key).Type);
            Assert.Equal(Records.OffsetsRecordType.GroupMetadata, Records.OffsetsRecordKey.Parse(tail[1].Key).Type);
        }
    }

    [Fact]
    public async Task Active_groups_keep_their_offsets_but_lose_those_of_unsubscribed_topics()
    {
        const long retention = 60 * 60_000;
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetsRetentionMs = retention });
        var members = await h.FormStableGroup("g", [null]);
        await h.Coordinator.CommitOffsetsAsync(Commit("g", members[0], new OffsetCommitEntry("t1", 0, 1), new OffsetCommitEntry("gone", 0, 1)));
        // Keep the member alive across the retention period.
        for (long t = 0; t < retention; t += 5_000)
        {
            h.Advance(5_000);
            Assert.Equal(ErrorCode.None, h.Heartbeat("g", members[0]));
        }
        Assert.Equal(1, await h.Coordinator.ExpireOffsetsAsync());
        Assert.Equal(["t1"], h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets.Select(o => o.Topic));
    }

    [Fact]
    public async Task A_commit_with_its_own_retention_time_expires_on_its_own_deadline()
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "s", RetentionTimeMs = 5_000, Offsets = [new OffsetCommitEntry("t", 0, 1)] });
        var stored = Records.OffsetCommitValue.Decode(h.Log.AllRecords()[^1].Value);
        Assert.Equal(stored.CommitTimestamp + 5_000, stored.ExpireTimestamp);
        h.Advance(4_999);
        Assert.Equal(0, await h.Coordinator.ExpireOffsetsAsync());
        h.Advance(1);
        Assert.Equal(1, await h.Coordinator.ExpireOffsetsAsync());
    }

    [Fact]
    public async Task Retention_runs_from_the_timer_loop()
    {
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with
            { OffsetsRetentionMs = 10_000, OffsetsRetentionCheckIntervalMs = 1_000 });
        await h.Coordinator.CommitOffsetsAsync(Commit("s", null, new OffsetCommitEntry("t", 0, 1)));
        h.Advance(9_000);
        Assert.Single(h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", null)).Offsets);
        h.Advance(1_000);
        Assert.Empty(h.Coordinator.FetchOffsets(new OffsetFetchArgs("s", null)).Offsets);
    }
}
