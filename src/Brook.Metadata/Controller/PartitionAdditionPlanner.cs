using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>What CreatePartitions asks for one topic: the new total and, optionally, the replicas of each new partition.</summary>
public sealed record PartitionAdditionSpec(string Name, int NewTotal, IReadOnlyList<IReadOnlyList<int>>? Assignments = null);

/// <summary>The outcome of <see cref="PartitionAdditionSpec"/> for one topic.</summary>
public sealed record PartitionAdditionResult(string Name, ErrorCode ErrorCode, string? ErrorMessage);

/// <summary>
/// Decides CreatePartitions against one image (pure, like topic creation): partitions can only be added; new
/// partitions take the replication factor of partition 0 and are placed on the active brokers (see <see cref="ReplicaPlacer"/>)
/// unless assigned explicitly.
/// </summary>
internal static class PartitionAdditionPlanner
{
    public static (List<PartitionAdditionResult> Results, List<MetadataRecord> Records) Plan(MetadataImage image, IReadOnlyList<PartitionAdditionSpec> specs)
    {
        var results = new List<PartitionAdditionResult>(specs.Count);
        var records = new List<MetadataRecord>();
        var duplicates = specs.GroupBy(s => s.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var brokers = ReplicaPlacer.UsableBrokers(image);
        var placementStart = image.TopicsByName.Values.Sum(t => t.Partitions.Length);
        foreach (var spec in specs)
        {
            if (duplicates.Contains(spec.Name))
            {
                results.Add(new(spec.Name, ErrorCode.InvalidRequest, $"Duplicate topic name {spec.Name} in the request."));
                continue;
            }
            if (!image.TopicsByName.TryGetValue(spec.Name, out var topic))
            {
                results.Add(new(spec.Name, ErrorCode.UnknownTopicOrPartition, $"Topic {spec.Name} does not exist."));
                continue;
            }
            var current = topic.Partitions.Length;
            if (spec.NewTotal <= current)
            {
                results.Add(new(spec.Name, ErrorCode.InvalidPartitions,
                    spec.NewTotal == current
                        ? $"Topic already has {current} partitions."
                        : $"Topic currently has {current} partitions, which is higher than the requested {spec.NewTotal}."));
                continue;
            }
            var added = spec.NewTotal - current;
            if (placementStart + added > TopicCreationPlanner.MaxPartitionsPerRequest * 100)
            {
                results.Add(new(spec.Name, ErrorCode.PolicyViolation, "Excessively large number of partitions."));
                continue;
            }
            var replicationFactor = topic.Partitions[0].Replicas.Length;
            int[][] replicas;
            if (spec.Assignments is { } assignments)
            {
                var problem = ValidateAssignments(assignments, added, replicationFactor, image);
                if (problem is not null)
                {
                    results.Add(new(spec.Name, ErrorCode.InvalidReplicaAssignment, problem));
                    continue;
                }
                replicas = assignments.Select(a => a.ToArray()).ToArray();
            }
            else
            {
                if (ReplicaPlacer.CheckReplicationFactor(replicationFactor, brokers.Count, image.Brokers.Count) is { } rfError)
                {
                    results.Add(new(spec.Name, ErrorCode.InvalidReplicationFactor, rfError));
                    continue;
                }
                replicas = ReplicaPlacer.Place(brokers, added, replicationFactor, placementStart);
            }
            placementStart += added;
            for (var i = 0; i < added; i++)
                records.Add(TopicCreationPlanner.NewPartition(image, topic.Id, current + i, replicas[i]));
            results.Add(new(spec.Name, ErrorCode.None, null));
        }
        return (results, records);
    }

    private static string? ValidateAssignments(IReadOnlyList<IReadOnlyList<int>> assignments, int added, int replicationFactor, MetadataImage image)
    {
        if (assignments.Count != added) return $"Increasing the number of partitions by {added} but {assignments.Count} assignments provided.";
        foreach (var a in assignments)
        {
            if (a.Count != replicationFactor) return $"Inconsistent replication factor between partitions, partition 0 has {replicationFactor} while an assignment has {a.Count} replicas.";
            if (a.Distinct().Count() != a.Count) return "A partition assignment names a broker more than once.";
            if (a.FirstOrDefault(b => !image.Brokers.ContainsKey(b), -1) is var unknown and not -1) return $"Unknown broker id {unknown} in the assignment.";
            if (!a.Any(id => image.Brokers[id].IsActive))
                return "All brokers specified in the manual partition assignment are fenced or in controlled shutdown.";
        }
        return null;
    }
}
