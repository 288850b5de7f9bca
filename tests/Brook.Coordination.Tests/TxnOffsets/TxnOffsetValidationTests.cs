using Brook.Common;
using static Brook.Coordination.Tests.TxnOffsets.TxnOffsetHelpers;

namespace Brook.Coordination.Tests.TxnOffsets;

public class TxnOffsetValidationTests
{
    private static TxnOffsetCommitArgs AsMember(string group, JoinGroupResult member, string? instanceId = null) =>
        Txn(group, 42, new OffsetCommitEntry("t", 0, 1)) with
        {
            GenerationId = member.GenerationId,
            MemberId = member.MemberId,
            GroupInstanceId = instanceId,
        };

    private static async Task<ErrorCode> Error(CoordinatorHarness h, TxnOffsetCommitArgs args) =>
        (await h.Coordinator.TxnCommitOffsetsAsync(args)).Single().Error;

    [Fact]
    public async Task Group_id_and_coordinator_ownership_are_checked_first()
    {
        using var h = new CoordinatorHarness(load: false);
        var partition = h.Coordinator.PartitionFor("g");
        Assert.Equal(ErrorCode.InvalidGroupId, await Error(h, Txn("", 42, new OffsetCommitEntry("t", 0, 1))));
        Assert.Equal(ErrorCode.NotCoordinator, await Error(h, Txn("g", 42, new OffsetCommitEntry("t", 0, 1))));
        h.Coordinator.BeginLoading(partition);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, await Error(h, Txn("g", 42, new OffsetCommitEntry("t", 0, 1))));
        h.Coordinator.CompleteLoading(partition);
        Assert.Equal(ErrorCode.None, await Error(h, Txn("g", 42, new OffsetCommitEntry("t", 0, 1))));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, await Error(h, Txn("g", -1, new OffsetCommitEntry("t", 0, 1))));
    }

    [Fact]
    public async Task An_unknown_group_is_created_for_generation_minus_one_and_is_illegal_generation_otherwise()
    {
        using var h = new CoordinatorHarness();
        Assert.Equal(ErrorCode.IllegalGeneration,
            await Error(h, Txn("nobody", 42, new OffsetCommitEntry("t", 0, 1)) with { GenerationId = 1, MemberId = "m" }));
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId == "nobody");

        Assert.Equal(ErrorCode.None, await Error(h, Txn("simple", 42, new OffsetCommitEntry("t", 0, 1))));
        Assert.Equal(GroupState.Empty, h.Coordinator.ListGroups().Groups.Single(g => g.GroupId == "simple").State);
    }

    [Fact]
    public async Task Group_metadata_must_name_a_current_member_of_the_current_generation()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", "instance-a", null);
        var a = members[0];
        Assert.Equal(ErrorCode.None, await Error(h, AsMember("g", a, "instance-a")));
        Assert.Equal(ErrorCode.None, await Error(h, AsMember("g", members[1])));
        Assert.Equal(ErrorCode.IllegalGeneration, await Error(h, AsMember("g", a with { GenerationId = a.GenerationId + 1 }, "instance-a")));
        Assert.Equal(ErrorCode.UnknownMemberId, await Error(h, AsMember("g", a with { MemberId = "ghost" })));
        Assert.Equal(ErrorCode.UnknownMemberId, await Error(h, AsMember("g", a, "no-such-instance")));
        Assert.Equal(ErrorCode.FencedInstanceId, await Error(h, AsMember("g", a with { MemberId = "old-incarnation" }, "instance-a")));
        // A member id alone (generation -1) is still checked against the generation, as Kafka does.
        Assert.Equal(ErrorCode.IllegalGeneration, await Error(h, AsMember("g", a with { GenerationId = -1 })));

        // TxnOffsetCommit v0-2 carry no group metadata: accepted even though the group has members (unlike OffsetCommit).
        Assert.Equal(ErrorCode.None, await Error(h, Txn("g", 43, new OffsetCommitEntry("t", 0, 1))));
        var plain = await h.Coordinator.CommitOffsetsAsync(Plain("g", new OffsetCommitEntry("t", 0, 1)));
        Assert.Equal(ErrorCode.UnknownMemberId, plain[0].Error);
    }

    [Fact]
    public async Task A_rebalance_in_progress_does_not_block_transactional_commits()
    {
        using var h = new CoordinatorHarness();
        var members = await h.FormStableGroup("g", null, null);
        var rejoins = new[] { h.Join("g", members[0].MemberId), h.Join("g", members[1].MemberId) };
        var newGeneration = await rejoins[0];
        await rejoins[1];
        Assert.Equal(GroupState.CompletingRebalance, h.StateOf("g"));
        Assert.Equal(ErrorCode.None, await Error(h, AsMember("g", newGeneration)));
        var plain = await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "g", GenerationId = newGeneration.GenerationId, MemberId = newGeneration.MemberId, Offsets = [new OffsetCommitEntry("t", 0, 1)],
        });
        Assert.Equal(ErrorCode.RebalanceInProgress, plain[0].Error);
    }

    [Fact]
    public async Task Consumer_group_members_commit_with_their_member_epoch()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 2);
        var consumer = h.NewConsumer("cg", "t");
        var joined = await h.Join(consumer);
        TxnOffsetCommitArgs AsConsumer(string memberId, int epoch) =>
            Txn("cg", 42, new OffsetCommitEntry("t", 0, 1)) with { MemberId = memberId, GenerationId = epoch };

        Assert.Equal(ErrorCode.None, (await h.Coordinator.TxnCommitOffsetsAsync(AsConsumer(consumer.MemberId, joined.MemberEpoch)))[0].Error);
        // No STALE_MEMBER_EPOCH in this API: a wrong epoch is ILLEGAL_GENERATION.
        Assert.Equal(ErrorCode.IllegalGeneration, (await h.Coordinator.TxnCommitOffsetsAsync(AsConsumer(consumer.MemberId, joined.MemberEpoch + 1)))[0].Error);
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Coordinator.TxnCommitOffsetsAsync(AsConsumer("ghost", joined.MemberEpoch)))[0].Error);
        // Without group metadata, only while the group has no members.
        Assert.Equal(ErrorCode.UnknownMemberId, (await h.Coordinator.TxnCommitOffsetsAsync(AsConsumer("", -1)))[0].Error);
    }

    [Fact]
    public async Task Oversized_metadata_fails_only_its_partition()
    {
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetMetadataMaxBytes = 5 });
        var results = await h.Coordinator.TxnCommitOffsetsAsync(Txn("s", 42,
            new OffsetCommitEntry("t", 0, 1, Metadata: "123456"), new OffsetCommitEntry("t", 1, 2, Metadata: "12345")));
        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.None], results.Select(r => r.Error));
        Assert.Equal("t-0@-1,t-1@-1 | t-0@-1,t-1!UnstableOffsetCommit", Snapshot(h, "s", ("t", 0), ("t", 1)));

        // Nothing valid at all: nothing is written and no group is left behind.
        var appends = h.Log.AppendCount;
        var none = await h.Coordinator.TxnCommitOffsetsAsync(Txn("s2", 42, new OffsetCommitEntry("t", 0, 1, Metadata: "123456")));
        Assert.Equal(ErrorCode.OffsetMetadataTooLarge, none[0].Error);
        Assert.Equal(appends, h.Log.AppendCount);
        Assert.DoesNotContain(h.Coordinator.ListGroups().Groups, g => g.GroupId == "s2");
    }

    [Fact]
    public async Task A_failed_append_leaves_nothing_pending()
    {
        using var h = new CoordinatorHarness();
        h.Log.FailWith = ErrorCode.NotLeaderOrFollower;
        var failed = await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 1)));
        Assert.Equal(ErrorCode.NotCoordinator, failed[0].Error);
        h.Log.FailWith = null;
        Assert.Equal("t-0@-1 | t-0@-1", Snapshot(h, "g", ("t", 0)));
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(-1, Fetch(h, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task The_logs_producer_fencing_reaches_the_client()
    {
        using var h = new CoordinatorHarness();
        Assert.Equal(ErrorCode.None, (await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, 2, new OffsetCommitEntry("t", 0, 1))))[0].Error);
        var zombie = await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, 1, new OffsetCommitEntry("t", 0, 99)));
        Assert.Equal(ErrorCode.InvalidProducerEpoch, zombie[0].Error);
        await EndTransaction(h, "g", 42, commit: true, epoch: 2);
        Assert.Equal(1, Fetch(h, "g", "t", 0).Offset);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Failed_appends_in_flight_uncover_the_producers_earlier_offset_whatever_order_they_fail_in(bool newestFailsFirst)
    {
        using var h = new CoordinatorHarness();
        await h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 1)));
        h.Log.Hold = true;
        var second = h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 2))).AsTask();
        var third = h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 3))).AsTask();
        h.Log.FailOneHeld(ErrorCode.NotEnoughReplicas, newest: newestFailsFirst);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (await (newestFailsFirst ? third : second))[0].Error);
        h.Log.FailOneHeld(ErrorCode.NotEnoughReplicas);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (await (newestFailsFirst ? second : third))[0].Error);

        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(h, "g", "t", 0, requireStable: true).Error);
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(1, Fetch(h, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task A_successful_append_shadows_the_producers_earlier_offsets_even_if_those_fail_later()
    {
        using var h = new CoordinatorHarness();
        h.Log.Hold = true;
        var first = h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 1))).AsTask();
        var second = h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 2))).AsTask();
        h.Log.Hold = false;
        h.Log.FailOneHeld(ErrorCode.NotEnoughReplicas);
        await first;
        h.Log.ReleaseHeld();
        Assert.Equal(ErrorCode.None, (await second)[0].Error);
        await EndTransaction(h, "g", 42, commit: true);
        Assert.Equal(2, Fetch(h, "g", "t", 0).Offset);
    }

    [Fact]
    public async Task Pending_offsets_count_while_the_append_is_in_flight()
    {
        using var h = new CoordinatorHarness();
        h.Log.Hold = true;
        var commit = h.Coordinator.TxnCommitOffsetsAsync(Txn("g", 42, new OffsetCommitEntry("t", 0, 1))).AsTask();
        Assert.False(commit.IsCompleted);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(h, "g", "t", 0, requireStable: true).Error);
        h.Log.ReleaseHeld();
        Assert.Equal(ErrorCode.None, (await commit)[0].Error);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(h, "g", "t", 0, requireStable: true).Error);
    }
}
