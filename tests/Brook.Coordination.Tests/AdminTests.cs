using Brook.Common;

namespace Brook.Coordination.Tests;

public class AdminTests
{
    [Fact]
    public async Task List_groups_filters_by_state_and_type()
    {
        using var h = new CoordinatorHarness();
        await h.FormStableGroup("active", [null]);
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "simple", Offsets = [new OffsetCommitEntry("t", 0, 1)] });

        Assert.Equal(["active", "simple"], h.Coordinator.ListGroups().Groups.Select(g => g.GroupId));
        Assert.Equal(["active"], h.Coordinator.ListGroups(["stable"]).Groups.Select(g => g.GroupId));
        Assert.Equal(["simple"], h.Coordinator.ListGroups(["Empty", "Dead"]).Groups.Select(g => g.GroupId));
        Assert.Equal(2, h.Coordinator.ListGroups(typesFilter: ["Classic"]).Groups.Count);
        Assert.Empty(h.Coordinator.ListGroups(typesFilter: ["consumer"]).Groups);
        var active = h.Coordinator.ListGroups().Groups[0];
        Assert.Equal(new ListedGroup("active", "consumer", GroupState.Stable), active);
    }

    [Fact]
    public async Task Describe_shows_members_with_metadata_and_assignment_when_stable()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "i-1");
        var d = h.Coordinator.DescribeGroups(["g", "missing"]);
        Assert.Equal(ErrorCode.None, d[0].Error);
        Assert.Equal(GroupState.Stable, d[0].State);
        Assert.Equal("consumer", d[0].ProtocolType);
        Assert.Equal("range", d[0].ProtocolName);
        var m = Assert.Single(d[0].Members);
        Assert.Equal(members[0].MemberId, m.MemberId);
        Assert.Equal("i-1", m.GroupInstanceId);
        Assert.Equal("client", m.ClientId);
        Assert.Equal("/127.0.0.1", m.ClientHost);
        Assert.Equal(CoordinatorHarness.Subscription("t1"), m.Metadata);
        Assert.Equal(CoordinatorHarness.Bytes("a-" + members[0].MemberId), m.Assignment);
        Assert.Equal((ErrorCode.GroupIdNotFound, "missing", GroupState.Dead, "", ""), (d[1].Error, d[1].GroupId, d[1].State, d[1].ProtocolType, d[1].ProtocolName));
        Assert.Empty(d[1].Members);

        // Mid-rebalance (the lone leader's rejoin completes the join phase), protocol and member bytes are not shown.
        var rejoin = await h.Join("g", members[0].MemberId, "i-1");
        Assert.Equal(2, rejoin.GenerationId);
        var rebalancing = h.Coordinator.DescribeGroups(["g"])[0];
        Assert.Equal(GroupState.CompletingRebalance, rebalancing.State);
        Assert.Equal("", rebalancing.ProtocolName);
        Assert.Empty(rebalancing.Members[0].Assignment);
    }

    [Fact]
    public async Task Delete_groups_requires_an_empty_group_and_writes_tombstones()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", [null]);
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "g", GenerationId = members[0].GenerationId, MemberId = members[0].MemberId,
            Offsets = [new OffsetCommitEntry("t1", 0, 5)],
        });

        var results = await h.Coordinator.DeleteGroupsAsync(["g", "unknown"]);
        Assert.Equal([ErrorCode.NonEmptyGroup, ErrorCode.GroupIdNotFound], results.Select(r => r.Error));

        h.Coordinator.LeaveGroup(new LeaveGroupArgs("g", [new LeavingMember(members[0].MemberId)]));
        Assert.Equal(ErrorCode.None, (await h.Coordinator.DeleteGroupsAsync(["g"]))[0].Error);
        Assert.Empty(h.Coordinator.ListGroups().Groups);
        Assert.Empty(h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets);
        Assert.Equal(ErrorCode.GroupIdNotFound, (await h.Coordinator.DeleteGroupsAsync(["g"]))[0].Error);

        var tail = h.Log.Records(h.Coordinator.PartitionFor("g")).TakeLast(2).ToList();
        Assert.All(tail, r => Assert.Null(r.Value));
        Assert.Equal(Records.OffsetsRecordType.OffsetCommit, Records.OffsetsRecordKey.Parse(tail[0].Key).Type);
        Assert.Equal(Records.OffsetsRecordType.GroupMetadata, Records.OffsetsRecordKey.Parse(tail[1].Key).Type);

        // The id is free again.
        Assert.Equal(1, (await h.AfterInitialDelays(h.Join("g"))).GenerationId);
    }

    [Fact]
    public async Task A_failed_assignment_store_sends_members_back_to_rejoin()
    {
        using var h = new CoordinatorHarness();
        var joins = new[] { h.Join("g"), h.Join("g") };
        var a = await h.AfterInitialDelays(joins[0]);
        var b = await joins[1];
        var syncB = h.Sync("g", b);
        h.Log.FailWith = ErrorCode.NotEnoughReplicas;
        var syncA = await h.Sync("g", a, (a.MemberId, "x"), (b.MemberId, "y"));
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, syncA.Error);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (await syncB).Error);
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));

        h.Log.FailWith = null;
        var rejoins = new[] { h.Join("g", a.MemberId), h.Join("g", b.MemberId) };
        Assert.All(await Task.WhenAll(rejoins), r => Assert.Equal(2, r.GenerationId));
    }
}
