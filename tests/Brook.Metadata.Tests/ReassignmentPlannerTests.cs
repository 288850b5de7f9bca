using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>Partition reassignment (KIP-455) as a pure function of the image: start, replace, cancel, complete.</summary>
public sealed class ReassignmentPlannerTests
{
    private static readonly Uuid T = new(7, 7);

    private static PartitionRecord P(int index, int[] replicas, int[] isr, int leader) => new(T, index, replicas, isr, leader, LeaderEpoch: 5, PartitionEpoch: 9);

    private static TestImageBuilder Brokers(params int[] ids)
    {
        var builder = new TestImageBuilder(T);
        foreach (var id in ids) builder.Broker(id);
        return builder;
    }

    private static MetadataImage Apply(MetadataImage image, IEnumerable<PartitionRecord> records) =>
        image.Apply(new MetadataBatch(image.Offset + 1, [.. records]));

    [Fact]
    public void Starting_a_move_lists_the_target_first_then_the_replicas_to_remove()
    {
        var image = Brokers(1, 2, 3).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();

        var (results, changes) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [2, 3])], allowReplicationFactorChange: true);

        Assert.Equal(ErrorCode.None, Assert.Single(results).ErrorCode);
        var r = Assert.Single(changes).After;
        Assert.Equal([2, 3, 1], r.Replicas);
        Assert.Equal([3], r.AddingReplicas);
        Assert.Equal([1], r.RemovingReplicas);
        Assert.Equal([1, 2], r.Isr);
        Assert.Equal((1, 5, 10), (r.Leader, r.LeaderEpoch, r.PartitionEpoch)); // the leader stays until the move completes

        var moving = Apply(image, [r]).TopicsByName["t"].Partitions[0];
        Assert.True(moving.IsReassigning);
        Assert.Equal([2, 3], moving.TargetReplicas);
        var listed = Assert.Single(ReassignmentPlanner.List(Apply(image, [r]), null));
        Assert.Equal(("t", 0, "2,3,1", "3", "1"), (listed.Topic, listed.Partition, string.Join(",", listed.Replicas),
            string.Join(",", listed.AddingReplicas), string.Join(",", listed.RemovingReplicas)));
    }

    [Fact]
    public void The_isr_change_that_brings_the_last_adding_replica_in_completes_the_move_and_hands_leadership_over()
    {
        var image = Brokers(1, 2, 3, 4).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();
        var started = Assert.Single(ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [3, 4, 2])], true).Changes).After;
        image = Apply(image, [started]);

        // Replica 3 joins: 4 is still missing, nothing completes.
        var partial = started with { Isr = [1, 2, 3], PartitionEpoch = started.PartitionEpoch + 1 };
        Assert.Same(partial, ReassignmentPlanner.CompleteIfReady(image, partial));

        var last = partial with { Isr = [1, 2, 3, 4], PartitionEpoch = partial.PartitionEpoch + 1 };
        var done = ReassignmentPlanner.CompleteIfReady(image, last);
        Assert.Equal([3, 4, 2], done.Replicas);
        Assert.Equal([2, 3, 4], done.Isr);
        Assert.Empty(done.AddingReplicas);
        Assert.Empty(done.RemovingReplicas);
        Assert.Equal((3, 6, last.PartitionEpoch), (done.Leader, done.LeaderEpoch, done.PartitionEpoch));
    }

    [Fact]
    public void A_move_that_only_removes_replicas_completes_at_once()
    {
        var image = Brokers(1, 2, 3).Topic(P(0, [1, 2, 3], [1, 2, 3], leader: 1)).Build();

        var (results, changes) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [2, 3])], true);

        Assert.Equal(ErrorCode.None, Assert.Single(results).ErrorCode);
        var r = Assert.Single(changes).After;
        Assert.Equal([2, 3], r.Replicas);
        Assert.Equal([2, 3], r.Isr);
        Assert.Equal(2, r.Leader);
        Assert.Equal(6, r.LeaderEpoch);
        Assert.Equal(0, r.Version);
    }

    [Fact]
    public void Cancelling_restores_the_original_replicas_and_a_new_target_replaces_a_running_move()
    {
        var image = Brokers(1, 2, 3, 4).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();
        image = Apply(image, ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [2, 3])], true).Changes.Select(c => c.After));

        var replaced = Assert.Single(ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [1, 4])], true).Changes).After;
        Assert.Equal([1, 4, 2], replaced.Replicas);
        Assert.Equal([4], replaced.AddingReplicas);
        Assert.Equal([2], replaced.RemovingReplicas);

        var cancelled = Assert.Single(ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, null)], true).Changes).After;
        Assert.Equal([2, 1], cancelled.Replicas);
        Assert.Equal([1, 2], cancelled.Isr);
        Assert.Empty(cancelled.AddingReplicas);
        Assert.Equal(1, cancelled.Leader);

        var idle = Brokers(1, 2).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();
        Assert.Equal(ErrorCode.NoReassignmentInProgress, Assert.Single(ReassignmentPlanner.Plan(idle, [new ReassignmentSpec("t", 0, null)], true).Results).ErrorCode);
        // The current replicas as target: nothing to do, nothing written.
        var (same, none) = ReassignmentPlanner.Plan(idle, [new ReassignmentSpec("t", 0, [1, 2])], true);
        Assert.Equal(ErrorCode.None, Assert.Single(same).ErrorCode);
        Assert.Empty(none);
    }

    [Fact]
    public void Invalid_targets_are_refused_with_kafkas_codes()
    {
        var image = Brokers(1, 2, 3).Topic(P(0, [1, 2], [1, 2], leader: 1)).Build();

        var (results, changes) = ReassignmentPlanner.Plan(image,
        [
            new ReassignmentSpec("t", 0, []),
            new ReassignmentSpec("missing", 0, [1]),
            new ReassignmentSpec("t", 5, [1]),
        ], true);
        var (dup, _) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [1, 1])], true);
        var (unknownBroker, _) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [1, 9])], true);
        var (rf, _) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [1, 2, 3])], allowReplicationFactorChange: false);
        var (twice, _) = ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 0, [2, 3]), new ReassignmentSpec("t", 0, [1, 3])], true);

        Assert.Equal([ErrorCode.InvalidReplicaAssignment, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition],
            results.Select(r => r.ErrorCode));
        Assert.Empty(changes);
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, Assert.Single(dup).ErrorCode);
        Assert.Contains("broker 9", Assert.Single(unknownBroker).ErrorMessage);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, Assert.Single(rf).ErrorCode);
        Assert.Equal([ErrorCode.None, ErrorCode.InvalidRequest], twice.Select(r => r.ErrorCode));
    }

    [Fact]
    public void Listing_names_only_moving_partitions_and_refuses_an_unknown_topic()
    {
        var image = Brokers(1, 2, 3).Topic(P(0, [1, 2], [1, 2], leader: 1), P(1, [2, 3], [2, 3], leader: 2)).Build();
        image = Apply(image, ReassignmentPlanner.Plan(image, [new ReassignmentSpec("t", 1, [3, 1])], true).Changes.Select(c => c.After));

        Assert.Equal([1], ReassignmentPlanner.List(image, [("t", [0, 1, 7])]).Select(o => o.Partition));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition,
            Assert.Throws<KafkaException>(() => ReassignmentPlanner.List(image, [("nope", [0])])).Code);
    }
}
