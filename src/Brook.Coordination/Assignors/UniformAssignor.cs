using Brook.Common;

namespace Brook.Coordination.Assignors;

/// <summary>
/// The "uniform" assignor (Kafka's default): spreads partitions so that member loads differ by at most one wherever the
/// subscriptions allow it, keeping each member's previous partitions where it can so that a rebalance moves as few
/// partitions as possible. Works for any mix of subscriptions.
/// </summary>
internal sealed class UniformAssignor : IConsumerGroupAssignor
{
    public const string AssignorName = "uniform";

    public string Name => AssignorName;

    public Dictionary<string, PartitionAssignment> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyDictionary<Uuid, int> partitionCounts)
    {
        // Ordinal member order makes every choice below deterministic.
        var ordered = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var held = ordered.ToDictionary(m => m.MemberId, _ => new List<(Uuid Topic, int Partition)>(), StringComparer.Ordinal);
        var owner = new Dictionary<(Uuid, int), string>();

        // 1. Stickiness: each member keeps the previous partitions that are still valid for it.
        foreach (var m in ordered)
        {
            foreach (var (topic, partition) in m.PreviousTarget.All())
            {
                if (!m.SubscribedTopicIds.Contains(topic) || !partitionCounts.TryGetValue(topic, out var count) || partition >= count) continue;
                if (owner.TryAdd((topic, partition), m.MemberId)) held[m.MemberId].Add((topic, partition));
            }
        }

        // 2. Every other partition goes to the least-loaded subscriber.
        foreach (var topic in partitionCounts.Keys.OrderBy(t => t, UuidOrder.Instance))
        {
            var subscribers = ordered.Where(m => m.SubscribedTopicIds.Contains(topic)).ToList();
            if (subscribers.Count == 0) continue;
            for (var p = 0; p < partitionCounts[topic]; p++)
            {
                if (owner.ContainsKey((topic, p))) continue;
                var target = subscribers[0];
                foreach (var s in subscribers)
                    if (held[s.MemberId].Count < held[target.MemberId].Count) target = s;
                owner[(topic, p)] = target.MemberId;
                held[target.MemberId].Add((topic, p));
            }
        }

        // 3. Balance: move partitions from the most to the least loaded members while they differ by two or more and
        // the lighter one subscribes to a topic the heavier one holds. Each move lowers the sum of squared loads, so
        // this ends; the bound is only a safety net.
        var bound = owner.Count * Math.Max(1, ordered.Count) + 1;
        for (var moves = 0; moves < bound; moves++)
        {
            if (!MoveOne(ordered, held)) break;
        }

        var result = new Dictionary<string, PartitionAssignment>(StringComparer.Ordinal);
        foreach (var m in ordered) result[m.MemberId] = PartitionAssignment.From(held[m.MemberId]);
        return result;
    }

    private static bool MoveOne(List<AssignmentMember> members, Dictionary<string, List<(Uuid Topic, int Partition)>> held)
    {
        var byLoad = members.OrderBy(m => held[m.MemberId].Count).ThenBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        for (var hi = byLoad.Count - 1; hi > 0; hi--)
        {
            var heavy = held[byLoad[hi].MemberId];
            for (var lo = 0; lo < hi; lo++)
            {
                var light = byLoad[lo];
                if (heavy.Count - held[light.MemberId].Count < 2) break;
                // Give away the most recently added partition first: the sticky ones were added first.
                for (var i = heavy.Count - 1; i >= 0; i--)
                {
                    if (!light.SubscribedTopicIds.Contains(heavy[i].Topic)) continue;
                    held[light.MemberId].Add(heavy[i]);
                    heavy.RemoveAt(i);
                    return true;
                }
            }
        }
        return false;
    }
}
