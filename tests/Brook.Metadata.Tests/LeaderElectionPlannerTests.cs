using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>The election rules as a pure function of the image: given these brokers and partitions, these records.</summary>
public sealed class LeaderElectionPlannerTests
{
    private static readonly Uuid T = new(7, 7);

    private static PartitionRecord P(int index, int[] replicas, int[] isr, int leader, int leaderEpoch = 5, int partitionEpoch = 9) =>
        new(T, index, replicas, isr, leader, leaderEpoch, partitionEpoch);

    private static MetadataImage Apply(MetadataImage image, IEnumerable<PartitionChange> changes) =>
        image.Apply(new MetadataBatch(image.Offset + 1, [.. changes.Select(c => c.After)]));

    [Fact]
    public void Leaving_leader_hands_over_to_the_first_isr_member_in_replica_order_and_bumps_both_epochs()
    {
        // ISR order is not preference order: the replica list is.
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Topic(P(0, [2, 1, 3], [3, 2, 1], leader: 2)).Build();

        var change = Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(image, 2, new ElectionPolicy(false, EligibleLeaderReplicas: false)));

        Assert.Equal(1, change.After.Leader);
        Assert.Equal([3, 1], change.After.Isr);
        Assert.Equal([2, 1, 3], change.After.Replicas);
        Assert.Equal((6, 10), (change.After.LeaderEpoch, change.After.PartitionEpoch));
        Assert.False(change.Unclean);
    }

    [Fact]
    public void Only_active_isr_members_are_elected()
    {
        // Broker 2 is still listed in the ISR but fenced, broker 3 shutting down: neither may lead.
        var image = new TestImageBuilder(T).Broker(1).Broker(2, BrokerStatus.Fenced).Broker(3, BrokerStatus.ControlledShutdown).Broker(4)
            .Topic(P(0, [1, 2, 3, 4], [1, 2, 3, 4], leader: 1)).Build();

        var change = Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(image, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false)));

        Assert.Equal(4, change.After.Leader);
        Assert.Equal([2, 3, 4], change.After.Isr);
    }

    [Fact]
    public void Leaving_follower_leaves_the_isr_without_a_leader_change()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3)
            .Topic(P(0, [1, 2, 3], [1, 2, 3], leader: 1), P(1, [3, 1], [3, 1], leader: 3)).Build();

        var changes = LeaderElectionPlanner.PlanBrokerLeaving(image, 2, new ElectionPolicy(false, EligibleLeaderReplicas: false));

        var change = Assert.Single(changes); // partition 1 does not involve broker 2
        Assert.Equal(0, change.Before.Index);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal([1, 3], change.After.Isr);
        Assert.Equal(5, change.After.LeaderEpoch);
        Assert.Equal(10, change.After.PartitionEpoch);
    }

    [Fact]
    public void The_last_isr_member_stays_in_the_isr_and_the_partition_goes_leaderless()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1], leader: 1)).Build();

        var change = Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(image, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false)));

        Assert.Equal(-1, change.After.Leader);
        Assert.Equal([1], change.After.Isr);
        Assert.Equal((6, 10), (change.After.LeaderEpoch, change.After.PartitionEpoch));
        // Leaving again (fenced, then unregistered...) changes nothing more.
        Assert.Empty(LeaderElectionPlanner.PlanBrokerLeaving(Apply(image, [change]), 1, new ElectionPolicy(false, EligibleLeaderReplicas: false)));
    }

    [Fact]
    public void Unclean_election_picks_a_live_out_of_sync_replica_only_when_enabled()
    {
        var clean = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Topic(P(0, [1, 2, 3], [1], leader: 1)).Build();
        Assert.Equal(-1, Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(clean, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false))).After.Leader);

        var byDefault = Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(clean, 1, new ElectionPolicy(true, EligibleLeaderReplicas: false)));
        Assert.True(byDefault.Unclean);
        Assert.Equal(2, byDefault.After.Leader);
        Assert.Equal([2], byDefault.After.Isr);
        Assert.Equal(6, byDefault.After.LeaderEpoch);

        var byTopic = new TestImageBuilder(T).Broker(1).Broker(2, BrokerStatus.Fenced).Broker(3).Topic(P(0, [1, 2, 3], [1], leader: 1))
            .Config("unclean.leader.election.enable", "true").Build();
        var topicChange = Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(byTopic, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false)));
        Assert.Equal(3, topicChange.After.Leader); // 2 is fenced

        var byClusterDefault = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1], leader: 1))
            .Config("unclean.leader.election.enable", "true", cluster: true).Build();
        Assert.Equal(2, Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(byClusterDefault, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false))).After.Leader);

        var topicSaysNo = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1], leader: 1))
            .Config("unclean.leader.election.enable", "false").Build();
        Assert.Equal(-1, Assert.Single(LeaderElectionPlanner.PlanBrokerLeaving(topicSaysNo, 1, new ElectionPolicy(true, EligibleLeaderReplicas: false))).After.Leader);
    }

    [Fact]
    public void A_returning_last_isr_member_leads_again_in_a_new_epoch()
    {
        var image = new TestImageBuilder(T).Broker(1, BrokerStatus.Fenced).Broker(2)
            .Topic(P(0, [1, 2], [1], leader: -1, leaderEpoch: 6, partitionEpoch: 10), P(1, [2, 1], [2], leader: 2)).Build();

        var change = Assert.Single(LeaderElectionPlanner.PlanBrokerReturning(image, 1, new ElectionPolicy(false, EligibleLeaderReplicas: false)));

        Assert.Equal(0, change.Before.Index);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal([1], change.After.Isr);
        Assert.Equal((7, 11), (change.After.LeaderEpoch, change.After.PartitionEpoch));
    }

    [Fact]
    public void A_returning_out_of_sync_replica_leads_only_through_unclean_election()
    {
        var image = new TestImageBuilder(T).Broker(1, BrokerStatus.Fenced).Broker(2, BrokerStatus.Fenced)
            .Topic(P(0, [1, 2], [1], leader: -1)).Build();

        Assert.Empty(LeaderElectionPlanner.PlanBrokerReturning(image, 2, new ElectionPolicy(false, EligibleLeaderReplicas: false)));
        var unclean = Assert.Single(LeaderElectionPlanner.PlanBrokerReturning(image, 2, new ElectionPolicy(true, EligibleLeaderReplicas: false)));
        Assert.True(unclean.Unclean);
        Assert.Equal(2, unclean.After.Leader);
        Assert.Equal([2], unclean.After.Isr);
    }

    [Fact]
    public void Turning_unclean_election_on_elects_a_live_out_of_sync_replica_for_each_leaderless_partition()
    {
        // The last ISR member (1) is gone; 2 is alive but out of sync, 3 is fenced; partition 1 still has its leader.
        var builder = new TestImageBuilder(T).Broker(1, BrokerStatus.Fenced).Broker(2).Broker(3, BrokerStatus.Fenced)
            .Topic(P(0, [1, 3, 2], [1], leader: -1, leaderEpoch: 6, partitionEpoch: 10), P(1, [2, 1, 3], [2], leader: 2));
        var off = builder.Build();
        Assert.Empty(LeaderElectionPlanner.PlanLeaderlessAfterConfigChange(off, off.TopicsByName["t"], new ElectionPolicy(false, EligibleLeaderReplicas: false)));

        var on = builder.Config("unclean.leader.election.enable", "true").Build();
        var change = Assert.Single(LeaderElectionPlanner.PlanLeaderlessAfterConfigChange(on, on.TopicsByName["t"], new ElectionPolicy(false, EligibleLeaderReplicas: false)));
        Assert.True(change.Unclean);
        Assert.Equal(0, change.Before.Index);
        Assert.Equal(2, change.After.Leader);
        Assert.Equal([2], change.After.Isr);
        Assert.Equal((7, 11), (change.After.LeaderEpoch, change.After.PartitionEpoch));
    }

    [Fact]
    public void Epochs_only_grow_through_a_fence_return_fence_sequence()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0)).Build();
        var seen = new List<(int Leader, int LeaderEpoch, int PartitionEpoch)>();
        foreach (var (broker, leaving) in new[] { (1, true), (2, true), (1, false), (2, false), (1, true) })
        {
            var changes = leaving
                ? LeaderElectionPlanner.PlanBrokerLeaving(image, broker, new ElectionPolicy(false, EligibleLeaderReplicas: false))
                : LeaderElectionPlanner.PlanBrokerReturning(image, broker, new ElectionPolicy(false, EligibleLeaderReplicas: false));
            var status = leaving ? BrokerStatus.Fenced : BrokerStatus.Unfenced;
            image = image.Apply(new MetadataBatch(image.Offset + 1,
                [new BrokerRegistrationChangeRecord(broker, image.Brokers[broker].Epoch, status), .. changes.Select(c => c.After)]));
            var p = image.TopicsById[T].Partitions[0];
            seen.Add((p.Leader, p.LeaderEpoch, p.PartitionEpoch));
        }

        // 1 leaves: 2 leads; 2 leaves: nobody (2 kept as last ISR member); 1 returns: not in the ISR, still nobody;
        // 2 returns: leads again; 1 leaves: not in the ISR any more, nothing changes.
        Assert.Equal([(2, 1, 1), (-1, 2, 2), (-1, 2, 2), (2, 3, 3), (2, 3, 3)], seen);
    }
}
