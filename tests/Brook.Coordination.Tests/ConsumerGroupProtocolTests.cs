using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>KIP-848 consumer groups: joining, reconciliation, epochs, fencing, leaving, timeouts, assignors, metadata changes.</summary>
public class ConsumerGroupProtocolTests
{
    private static int[] PartitionsOf(SimulatedConsumer c, Uuid topic) => [.. c.Owned.PartitionsOf(topic)];

    [Fact]
    public async Task Two_members_split_six_partitions_evenly_and_reach_the_group_epoch()
    {
        using var h = new ConsumerGroupHarness();
        var t = h.Topics.Add("t", 6);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");

        var joined = await h.Join(a);
        Assert.Equal(ErrorCode.None, joined.Error);
        Assert.Equal(1, joined.MemberEpoch);
        Assert.Equal(ConsumerGroupHarness.HeartbeatIntervalMs, joined.HeartbeatIntervalMs);
        Assert.Equal([0, 1, 2, 3, 4, 5], PartitionsOf(a, t));

        Assert.Equal(ErrorCode.None, (await h.Join(b)).Error);
        var described = await h.Converge("g");

        Assert.Equal(2, described.GroupEpoch);
        Assert.Equal(2, described.AssignmentEpoch);
        Assert.Equal(GroupState.Stable, described.State);
        Assert.Equal("uniform", described.AssignorName);
        Assert.Equal(3, a.Owned.Count);
        Assert.Equal(3, b.Owned.Count);
        Assert.Empty(a.Owned.Intersect(b.Owned).All());
        Assert.Equal(2, a.Epoch);
        Assert.Equal(2, b.Epoch);
        // The describe view matches what the clients hold.
        foreach (var m in described.Members)
        {
            var c = m.MemberId == a.MemberId ? a : b;
            Assert.Equal(c.Owned.All().Select(p => p.Partition), m.Assignment.Single().Partitions);
            Assert.Equal("t", m.Assignment.Single().TopicName);
            Assert.Equal(m.Assignment.Single().Partitions, m.TargetAssignment.Single().Partitions);
        }
    }

    [Fact]
    public async Task Partitions_move_only_after_their_owner_released_them()
    {
        using var h = new ConsumerGroupHarness();
        var t = h.Topics.Add("t", 6);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);

        // b's target overlaps what a holds: b waits (same epoch as the target, nothing assigned yet).
        var beforeRelease = await h.Beat(b);
        Assert.Equal(2, beforeRelease.MemberEpoch);
        Assert.True(b.Owned.IsEmpty);
        Assert.Equal(GroupState.Reconciling, h.Describe("g").State);

        // a is told to give up three partitions, keeping its epoch until it confirms.
        var revoke = await h.Beat(a);
        Assert.Equal(1, revoke.MemberEpoch);
        Assert.Equal(3, a.Owned.Count);
        Assert.True((await h.Beat(b)).Assignment is null || b.Owned.IsEmpty);

        // a confirms: its epoch moves to 2; only now can b get the released partitions.
        var confirmed = await h.Beat(a);
        Assert.Equal(2, confirmed.MemberEpoch);
        var granted = await h.Beat(b);
        Assert.Equal(3, b.Owned.Count);
        Assert.NotNull(granted.Assignment);
        Assert.Equal(GroupState.Stable, h.Describe("g").State);
        Assert.Equal(6, a.Owned.Union(b.Owned).PartitionsOf(t).Count);

        // A third member: everything re-spreads to two each, still never owned twice (checked on every response).
        var c = h.NewConsumer("g", "t");
        await h.Join(c);
        var described = await h.Converge("g");
        Assert.Equal(3, described.GroupEpoch);
        Assert.All(new[] { a, b, c }, x => Assert.Equal(2, x.Owned.Count));
    }

    [Fact]
    public async Task Member_ids_are_taken_from_the_client_or_generated()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 2);
        var clientChosen = h.NewConsumer("g", "t");
        var chosenId = clientChosen.MemberId;
        Assert.Equal(chosenId, (await h.Join(clientChosen)).MemberId);

        var legacy = h.NewConsumer("g", "t");
        legacy.MemberId = "";
        var result = await h.Join(legacy);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.False(string.IsNullOrEmpty(result.MemberId));
        Assert.NotEqual(chosenId, result.MemberId);
        await h.Converge("g");
    }

    [Fact]
    public async Task Stale_or_unknown_epochs_and_unknown_members_are_fenced()
    {
        using var h = new ConsumerGroupHarness();
        var t = h.Topics.Add("t", 4);
        var a = h.NewConsumer("g", "t");
        await h.Join(a);
        var b = h.NewConsumer("g", "t");
        await h.Join(b);
        await h.Converge("g");
        Assert.Equal(2, a.Epoch);

        ConsumerGroupHeartbeatArgs Args(string memberId, int epoch, PartitionAssignment? owned) => new()
        {
            GroupId = "g", MemberId = memberId, MemberEpoch = epoch, OwnedPartitions = owned,
        };

        // An epoch from the future, or an old one with more partitions than it has now: a zombie.
        Assert.Equal(ErrorCode.FencedMemberEpoch, (await h.Coordinator.ConsumerGroupHeartbeatAsync(Args(a.MemberId, 3, a.Owned))).Error);
        var everything = PartitionAssignment.From(Enumerable.Range(0, 4).Select(p => (t, p)));
        Assert.Equal(ErrorCode.FencedMemberEpoch, (await h.Coordinator.ConsumerGroupHeartbeatAsync(Args(a.MemberId, 1, everything))).Error);
        Assert.Equal(ErrorCode.FencedMemberEpoch, (await h.Coordinator.ConsumerGroupHeartbeatAsync(Args(a.MemberId, 0 + 5, null))).Error);
        // The previous epoch owning no more than its current assignment: the response that moved it was lost.
        var retry = await h.Coordinator.ConsumerGroupHeartbeatAsync(Args(a.MemberId, 1, a.Owned));
        Assert.Equal(ErrorCode.None, retry.Error);
        Assert.Equal(2, retry.MemberEpoch);

        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Coordinator.ConsumerGroupHeartbeatAsync(Args("nobody", 2, null))).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Coordinator.ConsumerGroupHeartbeatAsync(
            new ConsumerGroupHeartbeatArgs { GroupId = "other", MemberId = "x", MemberEpoch = 1 })).Error);

        // A fenced member rejoins with epoch 0 and its id, and gets its assignment back.
        var rejoin = await h.Join(a);
        Assert.Equal(ErrorCode.None, rejoin.Error);
        Assert.Equal(2, rejoin.MemberEpoch);
        Assert.Equal(2, a.Owned.Count);
    }

    [Fact]
    public async Task Invalid_requests_are_refused()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 1);
        async Task<ErrorCode> Send(ConsumerGroupHeartbeatArgs args) => (await h.Coordinator.ConsumerGroupHeartbeatAsync(args)).Error;

        Assert.Equal(ErrorCode.InvalidRequest, await Send(new() { GroupId = "", MemberEpoch = 0, RebalanceTimeoutMs = 1, SubscribedTopicNames = ["t"], OwnedPartitions = PartitionAssignment.Empty }));
        Assert.Equal(ErrorCode.InvalidRequest, await Send(new() { GroupId = "g", MemberEpoch = 0, SubscribedTopicNames = ["t"], OwnedPartitions = PartitionAssignment.Empty }));
        Assert.Equal(ErrorCode.InvalidRequest, await Send(new() { GroupId = "g", MemberEpoch = 0, RebalanceTimeoutMs = 1, OwnedPartitions = PartitionAssignment.Empty }));
        Assert.Equal(ErrorCode.InvalidRequest, await Send(new() { GroupId = "g", MemberEpoch = 3 }));
        Assert.Equal(ErrorCode.InvalidRequest, await Send(new() { GroupId = "g", MemberId = "m", MemberEpoch = -2 }));
        Assert.Equal(ErrorCode.UnsupportedAssignor, await Send(new()
            { GroupId = "g", MemberEpoch = 0, RebalanceTimeoutMs = 1, SubscribedTopicNames = ["t"], ServerAssignor = "sticky", OwnedPartitions = PartitionAssignment.Empty }));
        Assert.Equal(ErrorCode.InvalidRegularExpression, await Send(new()
            { GroupId = "g", MemberEpoch = 0, RebalanceTimeoutMs = 1, SubscribedTopicRegex = "(unclosed", OwnedPartitions = PartitionAssignment.Empty }));
        Assert.Empty(h.Coordinator.ListGroups().Groups);
    }

    [Fact]
    public async Task A_leaving_member_hands_its_partitions_to_the_rest()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 6);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);
        await h.Converge("g");

        var left = await h.Leave(b);
        Assert.Equal(ErrorCode.None, left.Error);
        Assert.Equal(-1, left.MemberEpoch);
        var described = await h.Converge("g");
        Assert.Single(described.Members);
        Assert.Equal(3, described.GroupEpoch);
        Assert.Equal(6, a.Owned.Count);

        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Beat(b)).Error);
        Assert.Equal(ErrorCode.None, (await h.Leave(a)).Error);
        Assert.Equal(GroupState.Empty, h.Describe("g").State);
        Assert.Equal(GroupState.Empty, h.Coordinator.ListGroups().Groups.Single().State);
    }

    [Fact]
    public async Task A_member_that_stops_heartbeating_is_removed_after_the_session_timeout()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 4);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);
        await h.Converge("g");

        // a keeps heartbeating every interval; b has gone silent (its process died, and its partitions with it).
        b.Active = false;
        b.Owned = PartitionAssignment.Empty;
        for (var elapsed = 0; elapsed <= ConsumerGroupHarness.SessionTimeoutMs; elapsed += ConsumerGroupHarness.HeartbeatIntervalMs)
        {
            h.Advance(ConsumerGroupHarness.HeartbeatIntervalMs);
            Assert.Equal(ErrorCode.None, (await h.Beat(a)).Error);
        }
        var described = await h.Converge("g");
        Assert.Equal([a.MemberId], described.Members.Select(m => m.MemberId));
        Assert.Equal(4, a.Owned.Count);
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Beat(b)).Error);
    }

    [Fact]
    public async Task A_member_that_never_revokes_is_fenced_after_its_rebalance_timeout()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 4);
        var a = new SimulatedConsumer("g", Uuid.NewRandom().ToString(), ["t"]) { RebalanceTimeoutMs = 10_000 };
        h.Consumers.Add(a);
        await h.Join(a);
        var everything = a.Owned;
        var b = h.NewConsumer("g", "t");
        await h.Join(b);

        // a is asked to revoke but keeps reporting (and consuming) everything.
        await h.Beat(a);
        Assert.Equal(2, a.Owned.Count);
        a.Owned = everything;
        h.Advance(5_000);
        Assert.Equal(ErrorCode.None, (await h.Beat(a)).Error);
        a.Owned = everything;
        h.Advance(6_000);

        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Beat(a)).Error);
        a.Active = false;
        a.Owned = PartitionAssignment.Empty;
        var described = await h.Converge("g");
        Assert.Equal([b.MemberId], described.Members.Select(m => m.MemberId));
        Assert.Equal(4, b.Owned.Count);
    }

    [Fact]
    public async Task Range_assignor_gives_consecutive_ranges_in_member_id_order()
    {
        using var h = new ConsumerGroupHarness();
        var t = h.Topics.Add("t", 5);
        var a = new SimulatedConsumer("g", "member-a", ["t"]) { ServerAssignor = "range" };
        var b = new SimulatedConsumer("g", "member-b", ["t"]) { ServerAssignor = "range" };
        h.Consumers.AddRange([a, b]);
        await h.Join(b);
        await h.Join(a);
        var described = await h.Converge("g");

        Assert.Equal("range", described.AssignorName);
        Assert.Equal([0, 1, 2], PartitionsOf(a, t));
        Assert.Equal([3, 4], PartitionsOf(b, t));
    }

    [Fact]
    public async Task Added_partitions_bump_the_group_epoch_and_are_assigned()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 4);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);
        var before = await h.Converge("g");

        h.Topics.SetPartitions("t", 8);
        var after = await h.Converge("g");
        Assert.Equal(before.GroupEpoch + 1, after.GroupEpoch);
        Assert.Equal(4, a.Owned.Count);
        Assert.Equal(4, b.Owned.Count);

        // A topic subscribed before it exists is assigned once it is created.
        var u = h.NewConsumer("g2", "later");
        Assert.True((await h.Join(u)).Assignment!.IsEmpty);
        var later = h.Topics.Add("later", 3);
        await h.Converge("g2");
        Assert.Equal([0, 1, 2], PartitionsOf(u, later));
    }

    [Fact]
    public async Task A_subscription_change_moves_the_topic_partitions()
    {
        using var h = new ConsumerGroupHarness();
        var t1 = h.Topics.Add("t1", 2);
        var t2 = h.Topics.Add("t2", 2);
        var a = h.NewConsumer("g", "t1");
        await h.Join(a);
        Assert.Equal([0, 1], PartitionsOf(a, t1));

        var changed = await h.Beat(a, ["t2"]);
        Assert.Equal(ErrorCode.None, changed.Error);
        await h.Converge("g");
        Assert.Empty(PartitionsOf(a, t1));
        Assert.Equal([0, 1], PartitionsOf(a, t2));
    }

    [Fact]
    public async Task Regex_subscriptions_match_whole_topic_names_and_follow_new_topics()
    {
        using var h = new ConsumerGroupHarness();
        var orders = h.Topics.Add("orders", 2);
        h.Topics.Add("orders-archive-x", 2);
        h.Topics.Add("payments", 2);
        var result = await h.Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
        {
            GroupId = "g", MemberId = "m", MemberEpoch = 0, RebalanceTimeoutMs = 10_000, SubscribedTopicRegex = "orders|invoices",
            OwnedPartitions = PartitionAssignment.Empty,
        });
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal([orders], result.Assignment!.TopicIds);

        var invoices = h.Topics.Add("invoices", 1);
        var next = await h.Coordinator.ConsumerGroupHeartbeatAsync(new ConsumerGroupHeartbeatArgs
            { GroupId = "g", MemberId = "m", MemberEpoch = result.MemberEpoch, OwnedPartitions = result.Assignment });
        Assert.Equal(result.MemberEpoch + 1, next.MemberEpoch);
        Assert.Equal(new[] { orders, invoices }.OrderBy(i => i, UuidOrder.Instance), next.Assignment!.TopicIds);
    }

    [Fact]
    public async Task A_static_member_that_leaves_temporarily_keeps_its_partitions_for_its_successor()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 4);
        var a = h.NewConsumer("g", "instance-a", null, "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);
        var stable = await h.Converge("g");
        var kept = a.Owned;

        var away = await h.Leave(a, ConsumerGroupHeartbeatArgs.StaticLeaveEpoch);
        Assert.Equal(-2, away.MemberEpoch);
        // Nothing moves while it is away: b keeps its half, the group epoch stays.
        await h.Beat(b);
        Assert.Equal(2, b.Owned.Count);
        Assert.Equal(stable.GroupEpoch, h.Describe("g").GroupEpoch);

        // Another process with the same instance id while the old one is still in: refused.
        var intruder = h.NewConsumer("g", "instance-b", null, "t");
        await h.Join(intruder);
        var clash = h.NewConsumer("g", "instance-b", null, "t");
        Assert.Equal(ErrorCode.UnreleasedInstanceId, (await h.Join(clash)).Error);
        h.Consumers.Remove(clash);
        await h.Leave(intruder);
        // While a static member is away the group cannot be Stable: that member is not at the assignment epoch.
        await h.Beat(b);
        Assert.Equal(GroupState.Reconciling, h.Describe("g").State);

        // The restarted process takes over under a new member id, with the old partitions and epoch.
        var successor = h.NewConsumer("g", "instance-a", null, "t");
        h.Consumers.Remove(a);
        var back = await h.Join(successor);
        Assert.Equal(ErrorCode.None, back.Error);
        Assert.Equal(kept, successor.Owned);
        Assert.DoesNotContain(h.Describe("g").Members, m => m.MemberId == a.MemberId);
        await h.Converge("g");
    }

    [Fact]
    public async Task Classic_and_consumer_protocols_do_not_share_a_live_group()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 2);
        var a = h.NewConsumer("kip848", "t");
        await h.Join(a);

        var classicJoin = await h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("kip848"));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, classicJoin.Error);

        // A live classic group refuses consumer-protocol members.
        var classic = h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("classic"));
        for (var i = 0; i < 10 && !classic.IsCompleted; i++) h.Advance(3_000);
        Assert.Equal(ErrorCode.None, (await classic).Error);
        var intruder = h.NewConsumer("classic", "t");
        Assert.Equal(ErrorCode.GroupIdNotFound, (await h.Join(intruder)).Error);
        h.Consumers.Remove(intruder);

        // Each describe API answers GROUP_ID_NOT_FOUND for the other protocol's groups, as Kafka does.
        Assert.Equal(ErrorCode.GroupIdNotFound, h.Coordinator.DescribeGroups(["kip848"])[0].Error);
        Assert.Equal(ErrorCode.GroupIdNotFound, h.Describe("classic").Error);

        var listed = h.Coordinator.ListGroups().Groups.ToDictionary(g => g.GroupId);
        Assert.Equal("consumer", listed["kip848"].GroupType);
        Assert.Equal("consumer", listed["kip848"].ProtocolType);
        Assert.Equal(GroupState.Stable, listed["kip848"].State);
        Assert.Equal("classic", listed["classic"].GroupType);
        Assert.Equal(["kip848"], h.Coordinator.ListGroups(typesFilter: ["Consumer"]).Groups.Select(g => g.GroupId));
        Assert.Equal(["classic"], h.Coordinator.ListGroups(typesFilter: ["classic"]).Groups.Select(g => g.GroupId));
        Assert.Equal(["classic", "kip848"], h.Coordinator.ListGroups(statesFilter: ["Stable", "CompletingRebalance"]).Groups.Select(g => g.GroupId));

        // Once empty, a consumer group may become a classic group again, keeping its offsets.
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "kip848", GenerationId = a.Epoch, MemberId = a.MemberId, Offsets = [new OffsetCommitEntry("t", 0, 42)] });
        await h.Leave(a);
        var downgraded = h.Coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("kip848"));
        for (var i = 0; i < 10 && !downgraded.IsCompleted; i++) h.Advance(3_000);
        Assert.Equal(ErrorCode.None, (await downgraded).Error);
        Assert.Equal(42, h.Coordinator.FetchOffsets(new OffsetFetchArgs("kip848", [new TopicPartition("t", 0)])).Offsets[0].Offset);
    }

    [Fact]
    public async Task Offset_commits_and_fetches_are_checked_against_the_member_epoch()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 2);
        var a = h.NewConsumer("g", "t");
        await h.Join(a);

        async Task<ErrorCode> Commit(string memberId, int epoch) => (await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "g", GenerationId = epoch, MemberId = memberId, Offsets = [new OffsetCommitEntry("t", 0, 7)] }))[0].Error;

        Assert.Equal(ErrorCode.None, await Commit(a.MemberId, a.Epoch));
        Assert.Equal(ErrorCode.StaleMemberEpoch, await Commit(a.MemberId, a.Epoch - 1));
        Assert.Equal(ErrorCode.UnknownMemberId, await Commit("stranger", a.Epoch));
        // Without membership only an empty group takes commits.
        Assert.Equal(ErrorCode.UnknownMemberId, await Commit("", -1));

        Assert.Equal(7, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null, MemberId: a.MemberId, MemberEpoch: a.Epoch)).Offsets[0].Offset);
        Assert.Equal(ErrorCode.StaleMemberEpoch, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null, MemberId: a.MemberId, MemberEpoch: a.Epoch - 1)).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null, MemberId: "stranger", MemberEpoch: 1)).Error);
        Assert.Equal(7, h.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets[0].Offset);

        // Offsets of subscribed topics cannot be deleted while the group is active; the group itself only when empty.
        Assert.Equal(ErrorCode.GroupSubscribedToTopic, (await h.Coordinator.DeleteOffsetsAsync("g", [new TopicPartition("t", 0)])).Partitions[0].Error);
        Assert.Equal(ErrorCode.NonEmptyGroup, (await h.Coordinator.DeleteGroupsAsync(["g"]))[0].Error);
        await h.Leave(a);
        Assert.Equal(ErrorCode.None, await Commit("", -1));
        Assert.Equal(ErrorCode.None, (await h.Coordinator.DeleteGroupsAsync(["g"]))[0].Error);
        Assert.Empty(h.Coordinator.ListGroups().Groups);
    }
}
