using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>The continuous balancer's steps (brook.balancer.enable) as a pure function of the image and what it measured.</summary>
public sealed class BalancePlannerTests
{
    private static readonly Uuid T = new(8, 8);

    private static PartitionRecord P(int index, int[] replicas, int leader = -2) =>
        new(T, index, replicas, replicas, leader == -2 ? replicas[0] : leader, LeaderEpoch: 1, PartitionEpoch: 1);

    private static BalanceInputs Inputs(int moves = 10, int[]? decommissioning = null, Dictionary<int, double>? usage = null,
        Dictionary<(string, int), long>? sizes = null) =>
        new(moves, (decommissioning ?? []).ToHashSet(), usage, 0.8, sizes);

    private static Dictionary<int, int> Counts(MetadataImage image, BalanceStep step)
    {
        var moved = step.Moves.ToDictionary(m => m.Partition, m => m.To);
        var counts = image.Brokers.Keys.ToDictionary(id => id, _ => 0);
        foreach (var p in image.TopicsByName["t"].Partitions)
            foreach (var r in moved.GetValueOrDefault(p.Index) ?? [.. p.Replicas])
                counts[r] = counts.GetValueOrDefault(r) + 1;
        return counts;
    }

    [Fact]
    public void A_new_broker_receives_replicas_until_counts_differ_by_at_most_one()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4)
            .Topic([.. Enumerable.Range(0, 6).Select(i => P(i, [1 + i % 3, 1 + (i + 1) % 3, 1 + (i + 2) % 3]))]).Build();

        var step = BalancePlanner.Plan(image, Inputs());

        var counts = Counts(image, step);
        Assert.Equal(18, counts.Values.Sum());
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1, string.Join(",", counts));
        Assert.All(step.Moves, m => Assert.Contains(4, m.To));
        Assert.All(step.Moves, m => Assert.Equal(m.From.Count, m.To.Distinct().Count()));
        // The balancer prefers replicas the source does not lead: no preferred leader changes here.
        Assert.All(step.Moves, m => Assert.Equal(m.From[0], m.To[0]));
        Assert.Empty(step.Unregister);
    }

    [Fact]
    public void A_step_starts_no_more_moves_than_the_limit_and_counts_running_reassignments()
    {
        var moving = P(0, [1, 2, 3, 4]) with { AddingReplicas = [4], RemovingReplicas = [1] };
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4)
            .Topic([moving, .. Enumerable.Range(1, 5).Select(i => P(i, [1, 2, 3]))]).Build();

        Assert.Single(BalancePlanner.Plan(image, Inputs(moves: 2)).Moves);
        Assert.Empty(BalancePlanner.Plan(image, Inputs(moves: 1)).Moves);
    }

    [Fact]
    public void A_decommissioning_broker_is_drained_and_unregistered_once_empty_and_stopped()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4)
            .Topic(P(0, [4, 1, 2]), P(1, [1, 4, 3]), P(2, [1, 2, 3])).Build();

        var step = BalancePlanner.Plan(image, Inputs(decommissioning: [4]));

        Assert.Equal([0, 1], step.Moves.Select(m => m.Partition));
        Assert.Equal([3, 1, 2], step.Moves[0].To);
        Assert.Equal([1, 2, 3], step.Moves[1].To);
        Assert.All(step.Moves, m => Assert.Contains("decommissioned", m.Reason, StringComparison.Ordinal));
        Assert.Empty(step.Unregister); // it still holds replicas

        var empty = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4, BrokerStatus.Fenced).Topic(P(0, [1, 2, 3])).Build();
        Assert.Equal([4], BalancePlanner.Plan(empty, Inputs(decommissioning: [4])).Unregister);
        var running = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4).Topic(P(0, [1, 2, 3])).Build();
        var runningStep = BalancePlanner.Plan(running, Inputs(decommissioning: [4]));
        Assert.Empty(runningStep.Unregister); // still running: it is unregistered once it stops
        Assert.Empty(runningStep.Moves);      // and it receives nothing, though it is the emptiest
    }

    [Fact]
    public void Replicas_on_an_unregistered_broker_move_to_live_ones_even_while_another_broker_is_down()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3, BrokerStatus.Fenced).Broker(4)
            .Topic(P(0, [5, 1, 2]), P(1, [1, 2, 3])).Build();

        var move = Assert.Single(BalancePlanner.Plan(image, Inputs()).Moves);

        Assert.Equal(0, move.Partition);
        Assert.Equal([4, 1, 2], move.To);
        Assert.Contains("unregistered", move.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_are_not_evened_out_while_a_broker_is_down()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3, BrokerStatus.Fenced).Broker(4)
            .Topic(P(0, [1, 2, 3]), P(1, [1, 2, 3]), P(2, [1, 2, 3])).Build();

        Assert.Empty(BalancePlanner.Plan(image, Inputs()).Moves);
    }

    [Fact]
    public void A_target_on_a_rack_the_partition_does_not_use_is_preferred()
    {
        var image = new TestImageBuilder(T).Broker(1, rack: "a").Broker(2, rack: "b").Broker(3, rack: "a").Broker(4, rack: "c")
            .Topic(P(0, [1, 2]), P(1, [1, 2])).Build();

        var step = BalancePlanner.Plan(image, Inputs(decommissioning: [1]));

        // The leaving broker's rack is free again: 3 (rack a) and 4 (rack c) both spread the partition; the lower id wins.
        Assert.Equal([3, 2], step.Moves[0].To);
        var spread = new TestImageBuilder(T).Broker(1, rack: "a").Broker(2, rack: "b").Broker(3, rack: "b").Broker(4, rack: "c")
            .Topic(P(0, [1, 2])).Build();
        Assert.Equal([4, 2], Assert.Single(BalancePlanner.Plan(spread, Inputs(decommissioning: [1])).Moves).To);
    }

    [Fact]
    public void A_full_disk_sheds_its_largest_replica_to_the_least_full_broker_under_the_threshold()
    {
        var image = new TestImageBuilder(T).Broker(1).Broker(2).Broker(3).Broker(4)
            .Topic(P(0, [1, 2]), P(1, [3, 1]), P(2, [2, 3]), P(3, [4, 2])).Build();
        var usage = new Dictionary<int, double> { [1] = 0.95, [2] = 0.85, [3] = 0.30, [4] = 0.10 };
        var sizes = new Dictionary<(string, int), long> { [("t", 0)] = 100, [("t", 1)] = 900, [("t", 2)] = 50, [("t", 3)] = 10 };

        var step = BalancePlanner.Plan(image, Inputs(usage: usage, sizes: sizes));

        var first = step.Moves[0];
        Assert.Equal(1, first.Partition);          // broker 1's largest replica
        Assert.Equal([3, 4], first.To);            // to the least full broker that does not hold it
        Assert.Contains("disk", first.Reason, StringComparison.Ordinal);
        var second = step.Moves[1];
        Assert.Equal(0, second.Partition);         // broker 2's largest replica not moving already
        Assert.Equal([1, 4], second.To);
    }
}
