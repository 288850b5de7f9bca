namespace Brook.Metadata;

/// <summary>
/// Decides the automatic preferred-leader elections of auto.leader.rebalance.enable (pure: returns partition records).
/// A partition is imbalanced when its leader is not its preferred replica (the first assigned one). A broker's
/// imbalance ratio is the share of the partitions it is preferred for that it does not lead; when that exceeds
/// leader.imbalance.per.broker.percentage, each of those partitions whose preferred replica is in the ISR and active
/// moves its leadership back to it — the rule of Kafka's ZooKeeper-era controller. Kafka 4 dropped the percentage and
/// moves every imbalanced partition (Brook does that at 0). At most <paramref name="maxElections"/> partitions move in
/// one round, so a large cluster's catch-up is spread over several writes, as Kafka's controller bounds it.
/// </summary>
public static class LeaderImbalancePlanner
{
    /// <summary>Kafka's bound on the elections of one balancing round.</summary>
    public const int DefaultMaxElections = 1000;

    /// <summary>The preferred-leader elections for every broker over <paramref name="imbalancePercentage"/>, up to <paramref name="maxElections"/>.</summary>
    public static List<PartitionChange> Plan(MetadataImage image, int imbalancePercentage, int maxElections = DefaultMaxElections)
    {
        var preferredCount = new Dictionary<int, int>();
        var imbalanced = new Dictionary<int, List<(TopicImage Topic, PartitionImage Partition)>>();
        foreach (var topic in image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var p in topic.Partitions)
            {
                // A partition being moved is left alone: its replica list and leader are the reassignment's to settle.
                if (p.Replicas.IsEmpty || p.IsReassigning) continue;
                var preferred = p.Replicas[0];
                preferredCount[preferred] = preferredCount.GetValueOrDefault(preferred) + 1;
                if (p.Leader == preferred) continue;
                if (!imbalanced.TryGetValue(preferred, out var list)) imbalanced[preferred] = list = [];
                list.Add((topic, p));
            }
        }

        var changes = new List<PartitionChange>();
        foreach (var (broker, partitions) in imbalanced.OrderBy(kv => kv.Key))
        {
            // Ratio > percentage / 100, in integers: imbalanced × 100 > percentage × preferred.
            if ((long)partitions.Count * 100 <= (long)imbalancePercentage * preferredCount[broker]) continue;
            if (!ElectLeadersPlanner.IsActive(image, broker)) continue;
            foreach (var (topic, p) in partitions)
            {
                if (!p.Isr.Contains(broker)) continue;
                changes.Add(ElectLeadersPlanner.Change(topic, p, broker, p.Isr, unclean: false));
                if (changes.Count >= maxElections) return changes;
            }
        }
        return changes;
    }
}
