using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Partition reassignment as KIP-455 defines it (pure: returns results and partition records). Starting a move from
/// the original replicas O to a target T writes replicas T followed by O−T, adding T−O and removing O−T: the adding
/// replicas are ordinary followers that fetch, catch up and join the ISR through their leader's AlterPartition. Once
/// every adding replica is in the ISR, the reassignment completes in the same write as that ISR change: replicas become
/// T, the ISR keeps only members of T and, if the leader is being removed, the first in-sync active replica of T leads
/// in a new leader epoch. The removed replicas then find themselves outside the replica list and delete their logs.
/// A new target for a partition already moving replaces the old one (measured from the original replicas); a null
/// target cancels, restoring the original replicas. Every change bumps the partition epoch.
/// </summary>
public static class ReassignmentPlanner
{
    /// <summary>Plans AlterPartitionReassignments: one result per spec, in order, and the records of the accepted ones.</summary>
    public static (List<ReassignmentResult> Results, List<PartitionChange> Changes) Plan(
        MetadataImage image, IReadOnlyList<ReassignmentSpec> specs, bool allowReplicationFactorChange)
    {
        var results = new List<ReassignmentResult>();
        var changes = new List<PartitionChange>();
        var decided = new HashSet<(string, int)>();
        foreach (var spec in specs)
        {
            if (!image.TopicsByName.TryGetValue(spec.Topic, out var topic) || spec.Partition < 0 || spec.Partition >= topic.Partitions.Length)
            {
                results.Add(new ReassignmentResult(spec.Topic, spec.Partition, ErrorCode.UnknownTopicOrPartition,
                    $"There is no partition {spec.Partition} of a topic named {spec.Topic}."));
                continue;
            }
            if (!decided.Add((spec.Topic, spec.Partition)))
            {
                results.Add(new ReassignmentResult(spec.Topic, spec.Partition, ErrorCode.InvalidRequest, "The partition is named more than once."));
                continue;
            }
            var p = topic.Partitions[spec.Partition];
            var (error, message, record) = spec.TargetReplicas is { } target
                ? Start(image, topic, p, target, allowReplicationFactorChange)
                : Cancel(image, topic, p);
            results.Add(new ReassignmentResult(spec.Topic, spec.Partition, error, message));
            if (record is not null) changes.Add(new PartitionChange(topic, p, record, Unclean: false));
        }
        return (results, changes);
    }

    /// <summary>The running reassignments among <paramref name="partitions"/> (null: every partition); an unknown topic throws UNKNOWN_TOPIC_OR_PARTITION.</summary>
    public static List<OngoingReassignment> List(MetadataImage image, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions)
    {
        var ongoing = new List<OngoingReassignment>();
        void Add(TopicImage topic, PartitionImage p)
        {
            if (p.IsReassigning) ongoing.Add(new OngoingReassignment(topic.Name, p.Index, [.. p.Replicas], [.. p.AddingReplicas], [.. p.RemovingReplicas]));
        }
        if (partitions is null)
        {
            foreach (var topic in image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                foreach (var p in topic.Partitions) Add(topic, p);
            return ongoing;
        }
        foreach (var (name, indexes) in partitions)
        {
            if (!image.TopicsByName.TryGetValue(name, out var topic))
                throw new KafkaException(ErrorCode.UnknownTopicOrPartition, $"There is no topic named {name}.");
            foreach (var index in indexes.Distinct())
                if (index >= 0 && index < topic.Partitions.Length) Add(topic, topic.Partitions[index]);
        }
        return ongoing;
    }

    /// <summary>
    /// <paramref name="record"/> (a new state of a partition, typically an ISR change) with its reassignment completed
    /// if every adding replica is now in the ISR and the target keeps an in-sync replica that can lead; else unchanged.
    /// </summary>
    public static PartitionRecord CompleteIfReady(MetadataImage image, PartitionRecord record)
    {
        if (record.AddingReplicas.Count == 0 && record.RemovingReplicas.Count == 0) return record;
        if (!record.AddingReplicas.All(record.Isr.Contains)) return record;
        var target = record.Replicas.Where(r => !record.RemovingReplicas.Contains(r)).ToList();
        var isr = record.Isr.Where(target.Contains).ToList();
        if (isr.Count == 0) return record;
        var leader = record.Leader;
        var leaderEpoch = record.LeaderEpoch;
        if (!target.Contains(leader))
        {
            leader = target.FirstOrDefault(r => isr.Contains(r) && ElectLeadersPlanner.IsActive(image, r), -1);
            if (leader < 0) return record;
            leaderEpoch++;
        }
        return record with { Replicas = target, Isr = isr, Leader = leader, LeaderEpoch = leaderEpoch, AddingReplicas = [], RemovingReplicas = [] };
    }

    private static (ErrorCode, string?, PartitionRecord?) Start(MetadataImage image, TopicImage topic, PartitionImage p, IReadOnlyList<int> target,
        bool allowReplicationFactorChange)
    {
        if (target.Count == 0) return (ErrorCode.InvalidReplicaAssignment, "The target replica list is empty.", null);
        if (target.Distinct().Count() != target.Count) return (ErrorCode.InvalidReplicaAssignment, "The target replica list names a broker twice.", null);
        foreach (var id in target)
        {
            if (!image.Brokers.ContainsKey(id))
                return (ErrorCode.InvalidReplicaAssignment, $"The target replica list includes broker {id}, but no such broker is registered.", null);
        }
        var original = p.Replicas.Where(r => !p.AddingReplicas.Contains(r)).ToList();
        if (!allowReplicationFactorChange && target.Count != original.Count)
        {
            return (ErrorCode.InvalidReplicationFactor,
                $"The replication factor would change from {original.Count} to {target.Count}, but the request does not allow replication factor changes.", null);
        }
        if (!p.IsReassigning && target.SequenceEqual(original)) return (ErrorCode.None, null, null);

        var removing = original.Where(r => !target.Contains(r)).ToList();
        var adding = target.Where(r => !original.Contains(r)).ToList();
        var replicas = target.Concat(removing).ToList();
        var record = Reshape(image, topic, p, replicas, adding, removing);
        return record is null
            ? (ErrorCode.InvalidReplicaAssignment, "No in-sync replica would remain to lead the partition.", null)
            : (ErrorCode.None, null, CompleteIfReady(image, record));
    }

    private static (ErrorCode, string?, PartitionRecord?) Cancel(MetadataImage image, TopicImage topic, PartitionImage p)
    {
        if (!p.IsReassigning) return (ErrorCode.NoReassignmentInProgress, "No reassignment of the partition is in progress.", null);
        var original = p.Replicas.Where(r => !p.AddingReplicas.Contains(r)).ToList();
        var record = Reshape(image, topic, p, original, [], []);
        return record is null
            ? (ErrorCode.InvalidReplicaAssignment, "Cancelling would leave no in-sync replica to lead the partition.", null)
            : (ErrorCode.None, null, record);
    }

    /// <summary>
    /// <paramref name="p"/> with a new replica list: the ISR keeps its members that stay; a leader that does not stay
    /// hands over to the first in-sync active replica of the new list. Null when no in-sync replica would remain.
    /// </summary>
    private static PartitionRecord? Reshape(MetadataImage image, TopicImage topic, PartitionImage p, List<int> replicas, List<int> adding, List<int> removing)
    {
        var isr = p.Isr.Where(replicas.Contains).ToList();
        if (isr.Count == 0) return null;
        var leader = p.Leader;
        var leaderEpoch = p.LeaderEpoch;
        if (leader >= 0 && !replicas.Contains(leader))
        {
            leader = replicas.FirstOrDefault(r => isr.Contains(r) && ElectLeadersPlanner.IsActive(image, r), -1);
            leaderEpoch++;
        }
        return p.ToRecord(topic.Id) with
        {
            Replicas = replicas, Isr = isr, Leader = leader, LeaderEpoch = leaderEpoch, PartitionEpoch = p.PartitionEpoch + 1,
            AddingReplicas = adding, RemovingReplicas = removing,
        };
    }
}
