using Brook.Common;

namespace Brook.Coordination.Tests;

public class RebalanceTests
{
    [Fact]
    public async Task Two_members_form_one_generation_and_sync_distributes_the_leaders_assignment()
    {
        using var h = new CoordinatorHarness();
        // KIP-394: the first join of a new member only hands out a member id.
        var firstA = await h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", requireKnownMemberId: true));
        Assert.Equal(ErrorCode.MemberIdRequired, firstA.Error);
        Assert.StartsWith("client-", firstA.MemberId);
        var firstB = await h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", requireKnownMemberId: true));
        Assert.Equal(ErrorCode.MemberIdRequired, firstB.Error);
        Assert.NotEqual(firstA.MemberId, firstB.MemberId);

        var joinA = h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", firstA.MemberId, requireKnownMemberId: true));
        var joinB = h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", firstB.MemberId, requireKnownMemberId: true));
        // The first rebalance of an empty group waits out group.initial.rebalance.delay.ms.
        Assert.False(joinA.IsCompleted);
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        h.Advance(CoordinatorHarness.InitialDelayMs - 1);
        Assert.False(joinA.IsCompleted);
        h.Advance(1);
        // B joined during the delay, which extends it once more.
        Assert.False(joinA.IsCompleted);
        h.Advance(CoordinatorHarness.InitialDelayMs);

        var a = await joinA;
        var b = await joinB;
        Assert.Equal(ErrorCode.None, a.Error);
        Assert.Equal(ErrorCode.None, b.Error);
        Assert.Equal(1, a.GenerationId);
        Assert.Equal(1, b.GenerationId);
        Assert.Equal("range", a.ProtocolName);
        Assert.Equal("consumer", a.ProtocolType);
        Assert.Equal(a.MemberId, a.Leader);
        Assert.Equal(a.MemberId, b.Leader);
        Assert.Equal([a.MemberId, b.MemberId], a.Members.Select(m => m.MemberId));
        Assert.Equal(CoordinatorHarness.Subscription("t1"), a.Members[0].Metadata);
        Assert.Empty(b.Members);
        Assert.Equal(GroupState.CompletingRebalance, h.StateOf("g"));

        // The follower's sync parks until the leader's assignment is stored.
        var syncB = h.Sync("g", b);
        Assert.False(syncB.IsCompleted);
        var syncA = await h.Sync("g", a, (a.MemberId, "for-a"), (b.MemberId, "for-b"));
        Assert.Equal(ErrorCode.None, syncA.Error);
        Assert.Equal("for-a", System.Text.Encoding.UTF8.GetString(syncA.Assignment));
        Assert.Equal("range", syncA.ProtocolName);
        Assert.Equal("for-b", System.Text.Encoding.UTF8.GetString((await syncB).Assignment));
        Assert.Equal(GroupState.Stable, h.StateOf("g"));

        // A late sync in Stable gets the stored assignment straight away.
        Assert.Equal("for-b", System.Text.Encoding.UTF8.GetString((await h.Sync("g", b)).Assignment));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", a));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", b));
    }

    [Fact]
    public async Task Initial_delay_is_extended_while_members_keep_arriving()
    {
        using var h = new CoordinatorHarness();
        var a = h.Join("g");
        h.Advance(CoordinatorHarness.InitialDelayMs - 100);
        var b = h.Join("g");
        h.Advance(100);
        // B arrived during the delay, so the rebalance waits another delay.
        Assert.False(a.IsCompleted);
        h.Advance(CoordinatorHarness.InitialDelayMs);
        Assert.Equal((await a).GenerationId, (await b).GenerationId);
        Assert.Equal(2, (await a).Members.Count + (await b).Members.Count);
    }

    [Fact]
    public async Task A_third_member_triggers_a_rebalance_that_completes_once_everyone_rejoined()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var (a, b) = (members[0], members[1]);

        var joinC = h.Join("g");
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        Assert.False(joinC.IsCompleted);
        // Existing members learn of the rebalance from their heartbeats, and their old assignment is still served.
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", a));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", b));
        Assert.Equal(ErrorCode.RebalanceInProgress, (await h.Sync("g", a)).Error);

        var rejoinA = h.Join("g", a.MemberId);
        Assert.False(rejoinA.IsCompleted);
        var rejoinB = h.Join("g", b.MemberId);
        // No initial delay now: the last rejoin completes the join phase at once.
        var results = new[] { await joinC, await rejoinA, await rejoinB };
        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.All(results, r => Assert.Equal(2, r.GenerationId));
        Assert.Equal(3, results.Single(r => r.MemberId == r.Leader).Members.Count);
        Assert.Equal(a.MemberId, results[0].Leader);

        // Heartbeats with the old generation are now fenced.
        Assert.Equal(ErrorCode.IllegalGeneration, h.Heartbeat("g", a));
    }

    [Fact]
    public async Task Members_that_do_not_rejoin_within_the_rebalance_timeout_are_removed()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var (a, b) = (members[0], members[1]);

        var rejoinA = h.Join("g", a.MemberId);
        // B keeps heartbeating (its session stays alive) but never rejoins.
        for (var t = 0; t < CoordinatorHarness.RebalanceTimeoutMs - 5_000; t += 5_000)
        {
            h.Advance(5_000);
            Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", b));
        }
        Assert.False(rejoinA.IsCompleted);
        h.Advance(5_000);
        var result = await rejoinA;
        Assert.Equal(2, result.GenerationId);
        Assert.Equal([a.MemberId], result.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", b));
    }

    [Fact]
    public async Task A_member_that_stops_heartbeating_is_removed_after_its_session_timeout()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var (a, b) = (members[0], members[1]);

        h.Advance(CoordinatorHarness.SessionTimeoutMs / 2);
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", a));
        h.Advance(CoordinatorHarness.SessionTimeoutMs / 2);
        // B's session ran out; A's was renewed halfway.
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", a));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", b));

        var rejoin = await h.Join("g", a.MemberId);
        Assert.Equal(2, rejoin.GenerationId);
        Assert.Single(rejoin.Members);
        await h.Sync("g", rejoin, (a.MemberId, "all"));
        Assert.Equal(GroupState.Stable, h.StateOf("g"));
    }

    [Fact]
    public async Task The_last_member_leaving_empties_the_group_and_persists_the_new_generation()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var result = h.Coordinator.LeaveGroup(new LeaveGroupArgs("g",
            [new LeavingMember(members[0].MemberId), new LeavingMember(members[1].MemberId), new LeavingMember("stranger")]));
        Assert.Equal([ErrorCode.None, ErrorCode.None, ErrorCode.UnknownMemberId], result.Members.Select(m => m.Error));
        var described = h.Coordinator.DescribeGroups(["g"])[0];
        Assert.Equal(GroupState.Empty, described.State);
        Assert.Empty(described.Members);

        var last = Records.GroupMetadataValue.Decode(h.Log.AllRecords()[^1].Value!);
        Assert.Equal(2, last.Generation);
        Assert.Empty(last.Members);
    }

    [Fact]
    public async Task A_member_leaving_a_stable_group_makes_the_others_rejoin()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        h.Coordinator.LeaveGroup(new LeaveGroupArgs("g", [new LeavingMember(members[1].MemberId)]));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", members[0]));
        var rejoin = await h.Join("g", members[0].MemberId);
        Assert.Equal(2, rejoin.GenerationId);
        Assert.Single(rejoin.Members);
    }

    [Fact]
    public async Task Members_that_never_sync_are_removed_after_the_rebalance_timeout()
    {
        using var h = new CoordinatorHarness();
        var joins = new[] { h.Join("g"), h.Join("g") };
        var a = await h.AfterInitialDelays(joins[0]);
        var b = await joins[1];
        var syncA = h.Sync("g", a, (a.MemberId, "x"), (b.MemberId, "y"));
        Assert.Equal(ErrorCode.None, (await syncA).Error);
        // B got its join response and heartbeats, but never syncs.
        Assert.Equal(GroupState.Stable, h.StateOf("g"));
        for (var t = 0; t < CoordinatorHarness.RebalanceTimeoutMs - 5_000; t += 5_000)
        {
            h.Advance(5_000);
            Assert.Equal(ErrorCode.None, h.Heartbeat("g", a));
            Assert.Equal(ErrorCode.None, h.Heartbeat("g", b));
        }
        h.Advance(5_000);
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", b));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", a));
        var rejoin = await h.Join("g", a.MemberId);
        Assert.Equal([a.MemberId], rejoin.Members.Select(m => m.MemberId));
    }

    [Fact]
    public async Task Protocol_is_chosen_by_vote_among_the_protocols_everyone_supports()
    {
        using var h = new CoordinatorHarness();
        var meta = CoordinatorHarness.Subscription("t");
        var a = h.Join("g", protocols: [new("range", meta), new("roundrobin", meta)]);
        var b = h.Join("g", protocols: [new("roundrobin", meta), new("sticky", meta)]);
        var c = h.Join("g", protocols: [new("roundrobin", meta), new("range", meta)]);
        Assert.Equal("roundrobin", (await h.AfterInitialDelays(a)).ProtocolName);
        Assert.Equal("roundrobin", (await b).ProtocolName);
        Assert.Equal("roundrobin", (await c).ProtocolName);
    }

    [Fact]
    public async Task Incompatible_protocols_are_rejected()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", [null]);
        var wrongType = await h.Join("g", protocolType: "connect");
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, wrongType.Error);
        var noCommon = await h.Join("g", protocols: [new GroupProtocol("sticky", [])]);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, noCommon.Error);
        var emptyType = await h.Join("other", protocolType: "");
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, emptyType.Error);
        // A failed first join leaves no group behind.
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId == "other");
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", members[0]));

        // SyncGroup v5+ checks the protocol it names.
        var sync = await h.Coordinator.SyncGroupAsync(new SyncGroupArgs
            { GroupId = "g", GenerationId = members[0].GenerationId, MemberId = members[0].MemberId, ProtocolName = "sticky" });
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, sync.Error);
    }

    [Fact]
    public async Task Session_timeout_must_be_within_the_brokers_bounds()
    {
        using var h = new CoordinatorHarness();
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await h.Join("g", sessionTimeoutMs: 999)).Error);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await h.Join("g", sessionTimeoutMs: 60_001)).Error);
        Assert.Equal(ErrorCode.InvalidGroupId, (await h.Join("")).Error);
    }

    [Fact]
    public async Task Group_max_size_rejects_extra_members()
    {
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { MaxGroupSize = 2 });
        var members = await h.FormStableGroup("g", null, null);
        var third = await h.Join("g");
        Assert.Equal(ErrorCode.GroupMaxSizeReached, third.Error);
        Assert.Equal(GroupState.Stable, h.StateOf("g"));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", members[0]));
    }

    [Fact]
    public async Task A_follower_rejoining_with_unchanged_metadata_gets_the_current_generation()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var follower = members.Single(m => m.MemberId != m.Leader);
        var again = await h.Join("g", follower.MemberId);
        Assert.Equal(ErrorCode.None, again.Error);
        Assert.Equal(follower.GenerationId, again.GenerationId);
        Assert.Equal(GroupState.Stable, h.StateOf("g"));

        // The leader rejoining always rebalances (it may have seen new partitions).
        var leader = members.Single(m => m.MemberId == m.Leader);
        var leaderJoin = h.Join("g", leader.MemberId);
        Assert.Equal(GroupState.PreparingRebalance, h.StateOf("g"));
        Assert.False(leaderJoin.IsCompleted);
    }

    [Fact]
    public async Task A_join_with_an_unknown_member_id_is_rejected()
    {
        using var h = new CoordinatorHarness();
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Join("nope", "ghost")).Error);
        await h.FormStableGroup("g", [null]);
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Join("g", "ghost")).Error);
    }

    [Fact]
    public async Task A_pending_member_that_never_rejoins_expires()
    {
        using var h = new CoordinatorHarness();
        var first = await h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", requireKnownMemberId: true));
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        h.Advance(CoordinatorHarness.SessionTimeoutMs);
        var late = await h.Join("g", first.MemberId);
        Assert.Equal(ErrorCode.UnknownMemberId, late.Error);
    }
}
