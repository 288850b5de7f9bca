using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>ElectLeaders and automatic leader balancing as pure functions of the image.</summary>
public sealed class AdminElectionPlannerTests
{
    private static readonly Uuid T = new(7, 7);
    private static readonly Uuid U = new(8, 8);

    private static PartitionRecord P(int index, int[] replicas, int[] isr, int leader, Uuid? topic = null) =>
        new(topic ?? T, index, replicas, isr, leader, LeaderEpoch: 5, PartitionEpoch: 9);

    private static IReadOnlyList<(string, IReadOnlyList<int>)> Named(string topic, params int[] partitions) => [(topic, partitions)];

    [Fact]
    public void Preferred_election_makes_the_first_replica_leader_and_bumps_both_epochs()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Topic(P(0, [1, 2, 3], [2, 3, 1], leader: 2)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Preferred, Named("t", 0));

        Assert.Equal(ErrorCode.None, Assert.Single(results).ErrorCode);
        var change = Assert.Single(changes);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal([2, 3, 1], change.After.Isr);
        Assert.Equal((6, 10), (change.After.LeaderEpoch, change.After.PartitionEpoch));
        Assert.False(change.Unclean);
    }

    [Fact]
    public void Preferred_election_is_not_needed_when_the_preferred_replica_leads()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Preferred, Named("t", 0));

        Assert.Equal(ErrorCode.ElectionNotNeeded, Assert.Single(results).ErrorCode);
        Assert.Empty(changes);
    }

    [Theory]
    [InlineData(BrokerStatus.Unfenced, false)] // out of the ISR
    [InlineData(BrokerStatus.Fenced, true)]
    [InlineData(BrokerStatus.ControlledShutdown, true)]
    public void Preferred_election_needs_the_preferred_replica_in_sync_and_active(BrokerStatus preferredStatus, bool inIsr)
    {
        var image = new TestImageBuilder(T).Broker(1, preferredStatus).Broker(2)
            .Topic(P(0, [1, 2], inIsr ? [1, 2] : [2], leader: 2)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Preferred, Named("t", 0));

        var result = Assert.Single(results);
        Assert.Equal(ErrorCode.PreferredLeaderNotAvailable, result.ErrorCode);
        Assert.Contains("preferred leader 1", result.ErrorMessage);
        Assert.Empty(changes);
    }

    [Fact]
    public void Unclean_election_prefers_an_active_isr_member_then_any_active_replica()
    {
        // Partition 0: its ISR member 2 is active again. Partition 1: its only ISR member (1) is fenced, replica 3 is not in sync.
        var image = new TestImageBuilder(T).Broker(1, BrokerStatus.Fenced).Broker(2).Broker(3)
            .Topic(P(0, [1, 2], [2], leader: -1), P(1, [1, 3], [1], leader: -1)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Unclean, Named("t", 0, 1));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.ErrorCode));
        Assert.Equal([(2, false, "2"), (3, true, "3")], changes.Select(c => (c.After.Leader, c.Unclean, string.Join(",", c.After.Isr))));
    }

    [Fact]
    public void Unclean_election_ignores_the_topic_config_but_needs_a_leaderless_partition_and_an_active_replica()
    {
        var image = new TestImageBuilder(T).Broker(1, BrokerStatus.Fenced).Broker(2).Broker(3, BrokerStatus.Fenced)
            .Topic(P(0, [1, 2], [1], leader: -1), P(1, [2, 1], [2], leader: 2), P(2, [1, 3], [1], leader: -1))
            .Config(LeaderElectionPlanner.UncleanLeaderElectionKey, "false").Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Unclean, Named("t", 0, 1, 2));

        Assert.Equal([ErrorCode.None, ErrorCode.ElectionNotNeeded, ErrorCode.EligibleLeadersNotAvailable], results.Select(r => r.ErrorCode));
        Assert.Equal(2, Assert.Single(changes).After.Leader);
    }

    [Fact]
    public void Unknown_topics_and_partitions_are_reported_and_a_repeated_partition_is_decided_once()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Topic(P(0, [1, 2], [1, 2], leader: 2)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Preferred,
            [("t", [0, 7, 0]), ("missing", [0])]);

        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition, ErrorCode.None, ErrorCode.UnknownTopicOrPartition],
            results.Select(r => r.ErrorCode));
        Assert.Equal(["t", "t", "t", "missing"], results.Select(r => r.Topic));
        Assert.Single(changes);
    }

    [Fact]
    public void Every_partition_leaves_out_those_that_needed_nothing()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2)
            .Topic("t", T, P(0, [1, 2], [1, 2], leader: 1), P(1, [1, 2], [1, 2], leader: 2))
            .Topic("u", U, P(0, [2, 1], [1], leader: 1, topic: U)).Build();

        var (results, changes) = ElectLeadersPlanner.Plan(image, ElectionType.Preferred, partitions: null);

        Assert.Equal([("t", 1, ErrorCode.None), ("u", 0, ErrorCode.PreferredLeaderNotAvailable)],
            results.Select(r => (r.Topic, r.Partition, r.ErrorCode)));
        Assert.Equal(1, Assert.Single(changes).After.Leader);
    }

    [Fact]
    public void Balancing_moves_leadership_back_for_brokers_over_the_imbalance_percentage()
    {
        // Broker 1 is preferred for 4 partitions and leads 2 of them (50 %); broker 2 is preferred for 10 and leads 9 (10 %).
        var partitions = new List<PartitionRecord>
        {
            P(0, [1, 2], [1, 2], leader: 1), P(1, [1, 2], [1, 2], leader: 1), P(2, [1, 2], [1, 2], leader: 2), P(3, [1, 2], [2], leader: 2),
        };
        for (var i = 4; i < 14; i++) partitions.Add(P(i, [2, 1], [1, 2], leader: i == 4 ? 1 : 2));
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Topic([.. partitions]).Build();

        var changes = LeaderImbalancePlanner.Plan(image, imbalancePercentage: 10);

        // Partition 3's preferred replica is out of the ISR; broker 2 is exactly at 10 %, which is not above it.
        var change = Assert.Single(changes);
        Assert.Equal((2, 1), (change.After.PartitionIndex, change.After.Leader));

        var all = LeaderImbalancePlanner.Plan(image, imbalancePercentage: 0);
        Assert.Equal([(2, 1), (4, 2)], all.Select(c => (c.After.PartitionIndex, c.After.Leader)));
    }

    [Fact]
    public void Balancing_skips_inactive_preferred_replicas_and_is_bounded_per_round()
    {
        var image = new TestImageBuilder(T).Broker(1, BrokerStatus.ControlledShutdown).Broker(2).Broker(3)
            .Topic(P(0, [1, 2], [1, 2], leader: 2), P(1, [3, 2], [2, 3], leader: 2), P(2, [3, 2], [2, 3], leader: 2), P(3, [3, 2], [2, 3], leader: 2))
            .Build();

        Assert.DoesNotContain(LeaderImbalancePlanner.Plan(image, 0), c => c.After.Leader == 1);
        Assert.Equal([1, 2], LeaderImbalancePlanner.Plan(image, 0, maxElections: 2).Select(c => c.After.PartitionIndex));
    }
}
