using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>The counters behind Kafka's group-coordinator-metrics: what each group operation adds, and what a reload does not.</summary>
public class CoordinatorCountersTests
{
    [Fact]
    public async Task Classic_rebalances_commits_deletions_and_expirations_are_counted_once_each()
    {
        const long retention = 60 * 60_000;
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { OffsetsRetentionMs = retention });
        var counters = h.Coordinator.Counters;

        var members = await h.FormStableGroup("g", null, null);
        Assert.Equal(1, counters.CompletedClassicRebalances);

        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
        {
            GroupId = "g", GenerationId = members[0].GenerationId, MemberId = members[0].MemberId,
            Offsets = [new OffsetCommitEntry("t", 0, 10), new OffsetCommitEntry("t", 1, 20)],
        });
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "s", GenerationId = -1, Offsets = [new OffsetCommitEntry("u", 0, 5), new OffsetCommitEntry("u", 1, 5)] });
        Assert.Equal(4, counters.OffsetCommits);

        // A refused commit (stale generation) commits nothing.
        await h.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs { GroupId = "g", GenerationId = 99, MemberId = members[0].MemberId, Offsets = [new OffsetCommitEntry("t", 0, 11)] });
        Assert.Equal(4, counters.OffsetCommits);

        var deleted = await h.Coordinator.DeleteOffsetsAsync("s", [new TopicPartition("u", 0)]);
        Assert.Equal(ErrorCode.None, deleted.Error);
        Assert.Equal(1, counters.OffsetDeletions);

        // A member leaving starts a rebalance; the remaining member rejoining completes it.
        h.Coordinator.LeaveGroup(new LeaveGroupArgs("g", [new LeavingMember(members[1].MemberId)]));
        var rejoined = await h.Join("g", members[0].MemberId);
        Assert.Equal(ErrorCode.None, rejoined.Error);
        Assert.Equal(2, counters.CompletedClassicRebalances);

        h.Coordinator.LeaveGroup(new LeaveGroupArgs("g", [new LeavingMember(members[0].MemberId)]));
        h.Advance((int)retention);
        Assert.Equal(3, await h.Coordinator.ExpireOffsetsAsync());
        Assert.Equal(3, counters.OffsetExpirations);
        // The group emptied by the last leave formed no generation with members: not a completed rebalance.
        Assert.Equal(2, counters.CompletedClassicRebalances);
    }

    [Fact]
    public async Task Each_consumer_group_epoch_bump_is_a_rebalance_and_replay_adds_none()
    {
        using var h = new ConsumerGroupHarness();
        h.Topics.Add("t", 4);
        var a = h.NewConsumer("g", "t");
        var b = h.NewConsumer("g", "t");
        await h.Join(a);
        await h.Join(b);
        await h.Converge("g");
        Assert.Equal(2, h.Coordinator.Counters.ConsumerGroupRebalances);

        await h.Leave(b);
        Assert.Equal(3, h.Coordinator.Counters.ConsumerGroupRebalances);

        // Heartbeats that change nothing are not rebalances.
        await h.Beat(a);
        await h.Beat(a);
        Assert.Equal(3, h.Coordinator.Counters.ConsumerGroupRebalances);

        using var reloaded = h.Reload();
        Assert.Equal(0, reloaded.Coordinator.Counters.ConsumerGroupRebalances);
    }
}
