using Brook.Common;

namespace Brook.Coordination.Tests;

public class PersistenceTests
{
    /// <summary>Loads every partition of <paramref name="log"/> into a fresh coordinator, as the host does at start-up.</summary>
    private static CoordinatorHarness Reload(CoordinatorHarness source)
    {
        var fresh = new CoordinatorHarness(time: source.Time, load: false);
        for (var p = 0; p < CoordinatorHarness.Partitions; p++)
        {
            fresh.Coordinator.BeginLoading(p);
            foreach (var (key, value) in source.Log.Records(p))
                fresh.Coordinator.Replay(p, key, value, isTombstone: value is null);
            fresh.Coordinator.CompleteLoading(p);
        }
        return fresh;
    }

    private static string Describe(GroupCoordinator c, string group)
    {
        var d = c.DescribeGroups([group])[0];
        var members = string.Join(";", d.Members.Select(m =>
            $"{m.MemberId}/{m.GroupInstanceId}/{m.ClientId}/{m.ClientHost}/{Convert.ToHexString(m.Metadata)}/{Convert.ToHexString(m.Assignment)}"));
        return $"{d.Error} {d.State} {d.ProtocolType} {d.ProtocolName} [{members}]";
    }

    private static string Offsets(GroupCoordinator c, string group) => string.Join(",",
        c.FetchOffsets(new OffsetFetchArgs(group, null)).Offsets.Select(o => $"{o.Topic}-{o.Partition}@{o.Offset}/{o.LeaderEpoch}/{o.Metadata}"));

    [Fact]
    public async Task Replaying_the_log_into_a_fresh_coordinator_restores_groups_and_offsets()
    {
        using var source = new CoordinatorHarness();
        var stable = await source.FormStableGroup("stable", "instance-1", null);
        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "stable", GenerationId = stable[0].GenerationId, MemberId = stable[0].MemberId, GroupInstanceId = "instance-1",
            Offsets = [new OffsetCommitEntry("t1", 0, 10, 2, "m0"), new OffsetCommitEntry("t1", 1, 11)],
        });
        // A second commit of the same partition: only the latest value survives the replay.
        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "stable", GenerationId = stable[0].GenerationId, MemberId = stable[0].MemberId, GroupInstanceId = "instance-1",
            Offsets = [new OffsetCommitEntry("t1", 0, 12, 3, "m1")],
        });
        // The static member restarted: the group record was rewritten with its new member id.
        var restarted = await source.Join("stable", instanceId: "instance-1");
        Assert.Equal(ErrorCode.None, restarted.Error);

        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "simple", Offsets = [new OffsetCommitEntry("x", 3, 33)] });

        var emptied = await source.FormStableGroup("emptied", null, null);
        source.Coordinator.LeaveGroup(new LeaveGroupArgs("emptied", emptied.Select(m => new LeavingMember(m.MemberId)).ToList()));

        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "deleted", Offsets = [new OffsetCommitEntry("x", 0, 1)] });
        Assert.Equal(ErrorCode.None, (await source.Coordinator.DeleteGroupsAsync(["deleted"]))[0].Error);

        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "trimmed", Offsets = [new OffsetCommitEntry("x", 0, 1), new OffsetCommitEntry("x", 1, 2)] });
        await source.Coordinator.DeleteOffsetsAsync("trimmed", [new TopicPartition("x", 0)]);

        using var fresh = Reload(source);
        string[] groups = ["stable", "simple", "emptied", "deleted", "trimmed"];
        foreach (var g in groups)
        {
            Assert.Equal(Describe(source.Coordinator, g), Describe(fresh.Coordinator, g));
            Assert.Equal(Offsets(source.Coordinator, g), Offsets(fresh.Coordinator, g));
        }
        Assert.Equal(source.Coordinator.ListGroups().Groups, fresh.Coordinator.ListGroups().Groups);
        Assert.Equal("t1-0@12/3/m1,t1-1@11/-1/", Offsets(fresh.Coordinator, "stable"));
        Assert.Equal(GroupState.Stable, fresh.StateOf("stable"));
        Assert.Equal(GroupState.Empty, fresh.StateOf("emptied"));
        Assert.Equal(GroupState.Dead, fresh.StateOf("deleted"));

        // The restored members carry on with their generation; the replaced static member id stays fenced.
        Assert.Equal(ErrorCode.None, fresh.Heartbeat("stable", restarted, "instance-1"));
        Assert.Equal(ErrorCode.None, fresh.Heartbeat("stable", stable[1]));
        Assert.Equal(ErrorCode.FencedInstanceId, fresh.Heartbeat("stable", stable[0], "instance-1"));
        var sync = await fresh.Sync("stable", stable[1]);
        Assert.Equal("a-" + stable[1].MemberId, System.Text.Encoding.UTF8.GetString(sync.Assignment));

        // The emptied group's generation went on from where it was.
        Assert.Equal(3, (await fresh.AfterInitialDelays(fresh.Join("emptied"))).GenerationId);
    }

    [Fact]
    public async Task Restored_members_must_heartbeat_within_their_session_timeout()
    {
        using var source = new CoordinatorHarness();
        var members = await source.FormStableGroup("g", null, null);
        using var fresh = Reload(source);
        fresh.Advance(CoordinatorHarness.SessionTimeoutMs / 2);
        Assert.Equal(ErrorCode.None, fresh.Heartbeat("g", members[0]));
        fresh.Advance(CoordinatorHarness.SessionTimeoutMs / 2);
        Assert.Equal(ErrorCode.RebalanceInProgress, fresh.Heartbeat("g", members[0]));
        Assert.Equal(ErrorCode.UnknownMemberId, fresh.Heartbeat("g", members[1]));
    }

    [Fact]
    public async Task Records_of_other_group_protocols_are_skipped()
    {
        using var h = new CoordinatorHarness(load: false);
        h.Coordinator.BeginLoading(0);
        // A share group key (version 11; share and streams groups are not implemented) with some value.
        h.Coordinator.Replay(0, [0, 11, 0, 1, (byte)'g'], [0, 0, 0, 0, 0, 0]);
        h.Coordinator.CompleteLoading(0);
        Assert.Empty(h.Coordinator.ListGroups().Groups);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Partitions_not_loaded_answer_not_coordinator_and_loading_ones_load_in_progress()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Join("g")).Error);
        h.Coordinator.BeginLoading(partition);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, (await h.Join("g")).Error);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Error);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, h.Coordinator.ListGroups().Error);
        h.Coordinator.CompleteLoading(partition);
        Assert.True(h.Coordinator.IsLoaded(partition));

        var join = h.Join("g");
        h.Coordinator.Unload(partition);
        // A parked join learns the coordinator moved.
        Assert.Equal(ErrorCode.NotCoordinator, (await join).Error);
        Assert.Equal(ErrorCode.NotCoordinator, h.Heartbeat("g", await join));
    }
}
