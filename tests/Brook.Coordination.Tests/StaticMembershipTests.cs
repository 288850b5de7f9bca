using Brook.Common;

namespace Brook.Coordination.Tests;

public class StaticMembershipTests
{
    [Fact]
    public async Task A_restarted_static_member_takes_its_slot_back_without_a_rebalance()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "instance-a", null);
        var (a, b) = (members[0], members[1]);
        Assert.StartsWith("instance-a-", a.MemberId);
        var appendsBefore = h.Log.AppendCount;

        // The static member restarts: no member id, same instance id, same protocols.
        var rejoin = await h.Join("g", instanceId: "instance-a");
        Assert.Equal(ErrorCode.None, rejoin.Error);
        Assert.NotEqual(a.MemberId, rejoin.MemberId);
        Assert.Equal(a.GenerationId, rejoin.GenerationId);
        Assert.Equal(GroupState.Stable, h.StateOf("g"));
        // It was the leader: with KIP-814 it is told so, with the members, but to keep the current assignment.
        Assert.Equal(rejoin.MemberId, rejoin.Leader);
        Assert.True(rejoin.SkipAssignment);
        Assert.Equal(2, rejoin.Members.Count);
        // The new member id was persisted before the answer.
        Assert.Equal(appendsBefore + 1, h.Log.AppendCount);

        // Same generation, same assignment, the other member undisturbed.
        var sync = await h.Sync("g", rejoin);
        Assert.Equal("a-" + a.MemberId, System.Text.Encoding.UTF8.GetString(sync.Assignment));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", b));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", rejoin, "instance-a"));

        // The old incarnation is fenced.
        Assert.Equal(ErrorCode.FencedInstanceId, h.Heartbeat("g", a, "instance-a"));
        var oldCommit = await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "g", GenerationId = a.GenerationId, MemberId = a.MemberId, GroupInstanceId = "instance-a",
            Offsets = [new OffsetCommitEntry("t1", 0, 5)],
        });
        Assert.Equal(ErrorCode.FencedInstanceId, oldCommit[0].Error);
        var oldSync = await h.Coordinator.SyncGroupAsync(new SyncGroupArgs
            { GroupId = "g", GenerationId = a.GenerationId, MemberId = a.MemberId, GroupInstanceId = "instance-a" });
        Assert.Equal(ErrorCode.FencedInstanceId, oldSync.Error);
    }

    [Fact]
    public async Task Older_clients_are_not_told_they_lead_after_a_static_rejoin()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "instance-a", null);
        var rejoin = await h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", instanceId: "instance-a", supportsSkip: false));
        Assert.Equal(ErrorCode.None, rejoin.Error);
        Assert.Equal(members[0].MemberId, rejoin.Leader);
        Assert.Empty(rejoin.Members);
        Assert.False(rejoin.SkipAssignment);
    }

    [Fact]
    public async Task A_static_member_rejoining_with_a_different_protocol_triggers_a_rebalance()
    {
        using var h = new CoordinatorHarness();
        var meta = CoordinatorHarness.Subscription("t1");
        var joins = new[]
        {
            h.Join("g", instanceId: "i-a", protocols: [new("range", meta), new("roundrobin", meta)]),
            h.Join("g", instanceId: "i-b", protocols: [new("range", meta), new("roundrobin", meta)]),
        };
        var a = await h.AfterInitialDelays(joins[0]);
        var b = await joins[1];
        await Task.WhenAll(h.Sync("g", b), h.Sync("g", a, (a.MemberId, "x"), (b.MemberId, "y")));
        Assert.Equal("range", a.ProtocolName);

        // A now speaks only roundrobin, so range is no longer common to all members: the selected protocol must change.
        var rejoin = h.Join("g", instanceId: "i-a", protocols: [new("roundrobin", meta)]);
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        var rejoinB = h.Join("g", b.MemberId, instanceId: "i-b", protocols: [new("range", meta), new("roundrobin", meta)]);
        var ra = await rejoin;
        Assert.Equal(ErrorCode.None, ra.Error);
        Assert.Equal(2, ra.GenerationId);
        Assert.Equal("roundrobin", ra.ProtocolName);
        Assert.Equal(2, (await rejoinB).GenerationId);
    }

    [Fact]
    public async Task Static_members_that_do_not_rejoin_keep_their_slot_until_their_session_expires()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "i-a", "i-b");
        var (a, b) = (members[0], members[1]);
        // A rejoins (as leader: triggers a rebalance); B neither rejoins nor heartbeats.
        var rejoinA = h.Join("g", a.MemberId, instanceId: "i-a");
        h.Advance(CoordinatorHarness.SessionTimeoutMs);
        // B's session expired, which completes the join with A alone.
        var ra = await rejoinA;
        Assert.Equal(ErrorCode.None, ra.Error);
        Assert.Equal([a.MemberId], ra.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", b, "i-b"));
    }

    [Fact]
    public async Task An_admin_can_remove_a_static_member_by_instance_id()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "i-a", "i-b");
        var result = h.Coordinator.LeaveGroup(new LeaveGroupArgs("g",
            [new LeavingMember("", "i-b"), new LeavingMember("", "i-unknown"), new LeavingMember("wrong-id", "i-a")]));
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownMemberId, ErrorCode.FencedInstanceId], result.Members.Select(m => m.Error));
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", members[1], "i-b"));
    }

    [Fact]
    public async Task A_static_member_replaced_while_its_join_is_parked_gets_fenced()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "i-a", null);
        var b = members[1];
        var parked = h.Join("g", members[0].MemberId, instanceId: "i-a");
        Assert.False(parked.IsCompleted);
        var replacement = h.Join("g", instanceId: "i-a");
        Assert.Equal(ErrorCode.FencedInstanceId, (await parked).Error);
        var rejoinB = h.Join("g", b.MemberId);
        var r = await replacement;
        Assert.Equal(ErrorCode.None, r.Error);
        Assert.Equal(2, r.GenerationId);
        Assert.Equal(2, (await rejoinB).GenerationId);
    }
}
