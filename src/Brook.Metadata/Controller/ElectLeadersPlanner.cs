using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Decides the elections an admin asks for with ElectLeaders (pure: returns results and partition records, writes
/// nothing), with the rules of Kafka's KRaft controller:
/// <list type="bullet">
/// <item>Preferred: the partition's first assigned replica becomes leader when it is in the ISR and active (registered,
/// unfenced, not shutting down). ELECTION_NOT_NEEDED when it already leads; PREFERRED_LEADER_NOT_AVAILABLE when it
/// cannot.</item>
/// <item>Unclean: a partition without a leader elects its first active ISR member, else its first active replica
/// outside the ISR — whatever unclean.leader.election.enable says, since asking is the operator's decision (KIP-460);
/// records the new leader lacks are lost and its ISR becomes that replica alone. With eligible leader replicas (KIP-966)
/// a partition whose ISR is empty first tries an active eligible leader replica, a clean election. ELECTION_NOT_NEEDED when the
/// partition has a leader; ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is active.</item>
/// <item>An unknown topic or partition answers UNKNOWN_TOPIC_OR_PARTITION. With no partition list (every partition)
/// the results leave out the partitions that needed nothing, as Kafka's controller does.</item>
/// </list>
/// A partition named twice is decided once and reported twice. A leader change bumps the leader and partition epochs.
/// </summary>
public static class ElectLeadersPlanner
{
    /// <summary>Plans the elections; <paramref name="partitions"/> null means every partition of every topic.</summary>
    public static (List<ElectionResult> Results, List<PartitionChange> Changes) Plan(
        MetadataImage image, ElectionType type, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        ElectionPolicy? policy = null)
    {
        var elr = policy?.EligibleLeaderReplicas ?? false;
        var results = new List<ElectionResult>();
        var changes = new List<PartitionChange>();
        if (partitions is null)
        {
            foreach (var topic in image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                foreach (var p in topic.Partitions)
                {
                    var (result, change) = Decide(image, type, topic, p, elr);
                    if (result.ErrorCode == ErrorCode.ElectionNotNeeded) continue;
                    results.Add(result);
                    if (change is not null) changes.Add(change);
                }
            }
            return (results, changes);
        }

        var decided = new Dictionary<(string, int), ElectionResult>();
        foreach (var (topicName, indexes) in partitions)
        {
            image.TopicsByName.TryGetValue(topicName, out var topic);
            foreach (var index in indexes)
            {
                if (decided.TryGetValue((topicName, index), out var earlier))
                {
                    results.Add(earlier);
                    continue;
                }
                ElectionResult result;
                if (topic is null || index < 0 || index >= topic.Partitions.Length)
                {
                    result = new ElectionResult(topicName, index, ErrorCode.UnknownTopicOrPartition,
                        topic is null ? $"There is no topic named {topicName}." : $"Topic {topicName} has no partition {index}.");
                }
                else
                {
                    (result, var change) = Decide(image, type, topic, topic.Partitions[index], elr);
                    if (change is not null) changes.Add(change);
                }
                decided[(topicName, index)] = result;
                results.Add(result);
            }
        }
        return (results, changes);
    }

    private static (ElectionResult, PartitionChange?) Decide(MetadataImage image, ElectionType type, TopicImage topic, PartitionImage p, bool elr) =>
        type == ElectionType.Preferred ? DecidePreferred(image, topic, p) : DecideUnclean(image, topic, p, elr);

    private static (ElectionResult, PartitionChange?) DecidePreferred(MetadataImage image, TopicImage topic, PartitionImage p)
    {
        if (p.Replicas.IsEmpty)
            return (new ElectionResult(topic.Name, p.Index, ErrorCode.PreferredLeaderNotAvailable, "The partition has no replicas."), null);
        var preferred = p.Replicas[0];
        if (p.Leader == preferred) return (new ElectionResult(topic.Name, p.Index, ErrorCode.ElectionNotNeeded), null);
        if (!p.Isr.Contains(preferred) || !IsActive(image, preferred))
        {
            return (new ElectionResult(topic.Name, p.Index, ErrorCode.PreferredLeaderNotAvailable,
                $"The preferred leader {preferred} is {(p.Isr.Contains(preferred) ? "not active (fenced, shutting down or unregistered)" : "not in the ISR")}."), null);
        }
        return (new ElectionResult(topic.Name, p.Index, ErrorCode.None), Change(topic, p, preferred, p.Isr, unclean: false));
    }

    private static (ElectionResult, PartitionChange?) DecideUnclean(MetadataImage image, TopicImage topic, PartitionImage p, bool elr)
    {
        if (p.Leader >= 0) return (new ElectionResult(topic.Name, p.Index, ErrorCode.ElectionNotNeeded), null);
        foreach (var replica in p.Replicas)
        {
            if (p.Isr.Contains(replica) && IsActive(image, replica))
                return (new ElectionResult(topic.Name, p.Index, ErrorCode.None), Change(topic, p, replica, p.Isr, unclean: false));
        }
        if (elr && p.Isr.IsEmpty)
        {
            foreach (var replica in p.Replicas)
            {
                if (p.Elr.Contains(replica) && IsActive(image, replica))
                    return (new ElectionResult(topic.Name, p.Index, ErrorCode.None), Change(topic, p, replica, [replica], unclean: false));
            }
        }
        foreach (var replica in p.Replicas)
        {
            if (IsActive(image, replica))
                return (new ElectionResult(topic.Name, p.Index, ErrorCode.None), Change(topic, p, replica, [replica], unclean: true));
        }
        return (new ElectionResult(topic.Name, p.Index, ErrorCode.EligibleLeadersNotAvailable, "No replica of the partition is active."), null);
    }

    /// <summary>Registered, unfenced and not shutting down: may lead.</summary>
    internal static bool IsActive(MetadataImage image, int brokerId) => image.Brokers.TryGetValue(brokerId, out var b) && b.IsActive;

    /// <summary>The partition with <paramref name="leader"/> leading <paramref name="isr"/>: a new leader epoch, a new partition epoch.</summary>
    internal static PartitionChange Change(TopicImage topic, PartitionImage p, int leader, IReadOnlyCollection<int> isr, bool unclean) =>
        new(topic, p, p.ToRecord(topic.Id) with { Isr = [.. isr], Leader = leader, LeaderEpoch = p.LeaderEpoch + 1, PartitionEpoch = p.PartitionEpoch + 1 }, unclean);
}
