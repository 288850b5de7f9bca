using Brook.Common;
using Brook.Coordination.Assignors;

namespace Brook.Coordination.Tests;

/// <summary>The server-side assignors on their own: coverage, balance, stickiness, determinism.</summary>
public class ConsumerGroupAssignorTests
{
    private static readonly Uuid T1 = Uuid.NewRandom();
    private static readonly Uuid T2 = Uuid.NewRandom();

    private static AssignmentMember Member(string id, PartitionAssignment? previous = null, params Uuid[] topics) =>
        new(id, null, topics.ToHashSet(), previous ?? PartitionAssignment.Empty);

    private static void AssertEachPartitionOnce(Dictionary<string, PartitionAssignment> result, IReadOnlyDictionary<Uuid, int> counts)
    {
        var all = result.Values.SelectMany(a => a.All()).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(counts.Values.Sum(), all.Count);
    }

    [Fact]
    public void Uniform_balances_and_keeps_previous_partitions()
    {
        var counts = new Dictionary<Uuid, int> { [T1] = 7, [T2] = 5 };
        var assignor = new UniformAssignor();
        var first = assignor.Assign([Member("a", null, T1, T2), Member("b", null, T1, T2)], counts);
        AssertEachPartitionOnce(first, counts);
        Assert.Equal([6, 6], first.Values.Select(a => a.Count));

        var second = assignor.Assign([Member("a", first["a"], T1, T2), Member("b", first["b"], T1, T2), Member("c", null, T1, T2)], counts);
        AssertEachPartitionOnce(second, counts);
        Assert.All(second.Values, a => Assert.Equal(4, a.Count));
        // Stickiness: the old members only lost partitions, they gained none.
        Assert.True(second["a"].IsSubsetOf(first["a"]));
        Assert.True(second["b"].IsSubsetOf(first["b"]));

        // Same input, same output.
        var again = assignor.Assign([Member("c", null, T1, T2), Member("b", first["b"], T1, T2), Member("a", first["a"], T1, T2)], counts);
        Assert.All(second, kv => Assert.Equal(kv.Value, again[kv.Key]));
    }

    [Fact]
    public void Uniform_respects_mixed_subscriptions()
    {
        var counts = new Dictionary<Uuid, int> { [T1] = 6, [T2] = 2 };
        var result = new UniformAssignor().Assign([Member("a", null, T1), Member("b", null, T1, T2), Member("c", null, T2)], counts);
        AssertEachPartitionOnce(result, counts);
        Assert.All(result["a"].TopicIds, t => Assert.Equal(T1, t));
        Assert.All(result["c"].TopicIds, t => Assert.Equal(T2, t));
        Assert.True(Math.Abs(result["a"].Count - result["b"].Count) <= 1 || result["b"].Count < result["a"].Count);
        Assert.Equal(8, result.Values.Sum(a => a.Count));
    }

    [Fact]
    public void Range_gives_each_topic_in_consecutive_blocks()
    {
        var counts = new Dictionary<Uuid, int> { [T1] = 5, [T2] = 3 };
        var result = new RangeAssignor().Assign([Member("b", null, T1, T2), Member("a", null, T1, T2)], counts);
        AssertEachPartitionOnce(result, counts);
        Assert.Equal([0, 1, 2], result["a"].PartitionsOf(T1));
        Assert.Equal([3, 4], result["b"].PartitionsOf(T1));
        Assert.Equal([0, 1], result["a"].PartitionsOf(T2));
        Assert.Equal([2], result["b"].PartitionsOf(T2));
    }

    [Fact]
    public void Members_without_subscribed_topics_get_empty_assignments()
    {
        var counts = new Dictionary<Uuid, int> { [T1] = 2 };
        foreach (IConsumerGroupAssignor assignor in new IConsumerGroupAssignor[] { new UniformAssignor(), new RangeAssignor() })
        {
            var result = assignor.Assign([Member("a", null, T1), Member("idle", null)], counts);
            Assert.True(result["idle"].IsEmpty);
            Assert.Equal(2, result["a"].Count);
        }
    }
}
