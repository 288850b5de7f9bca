using System.Collections.Immutable;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Decides leaders and ISRs when a broker stops or starts being a leader candidate (pure, like the topic planners: it
/// returns the partition records and writes nothing). The rules are Kafka's KRaft controller's:
/// <list type="bullet">
/// <item>A broker that is fenced, enters controlled shutdown or is unregistered leaves the ISR of every partition
/// where it is a member, and each partition it led elects the first replica, in replica order, that is in the
/// remaining ISR and active (registered, unfenced, not shutting down).</item>
/// <item>With eligible leader replicas (KIP-966, <see cref="ElectionPolicy.EligibleLeaderReplicas"/>) the ISR may
/// become empty; a partition whose ISR is empty elects an active eligible leader replica (<see
/// cref="EligibleLeaderReplicas"/>), which becomes its ISR alone, and failing that its last known leader, the replica
/// that led when the ISR emptied. Without them an ISR never becomes empty: its last member stays as the only one and the
/// partition gets no leader (-1) until that broker returns (Kafka before KIP-966).</item>
/// <item>With unclean.leader.election.enable (topic config, else the cluster-wide dynamic default, else the static
/// broker config) a partition left without any of those elects the first active replica outside them, whose log
/// becomes the truth: records it lacks are lost. Its ISR becomes that replica alone.</item>
/// <item>When a broker becomes active again, each leaderless partition among its replicas elects by the same rules;
/// when unclean election is turned on for a topic, each of its leaderless partitions does.</item>
/// </list>
/// A leader change bumps the leader epoch; every change bumps the partition epoch, so neither ever goes back. The ELR
/// lists themselves are kept by <see cref="EligibleLeaderReplicas.Track"/> when the records are written.
/// </summary>
public static class LeaderElectionPlanner
{
    /// <summary>The topic key (and its broker default) that allows electing an out-of-sync replica.</summary>
    public const string UncleanLeaderElectionKey = "unclean.leader.election.enable";

    /// <summary>
    /// <paramref name="brokerId"/> is leaving (fenced, controlled shutdown, unregistered): it leaves every ISR it is in
    /// (unless it is the last member) and the partitions it led elect new leaders.
    /// </summary>
    public static List<PartitionChange> PlanBrokerLeaving(MetadataImage image, int brokerId, ElectionPolicy policy) =>
        PlanReplicasLeaving(image, brokerId, policy, static _ => true);

    /// <summary>
    /// <paramref name="brokerId"/> reported log directories offline (KIP-858): its replicas there leave their ISRs the
    /// way a leaving broker's do, and the partitions it led from them elect new leaders. Its other replicas are untouched.
    /// </summary>
    public static List<PartitionChange> PlanDirectoriesOffline(MetadataImage image, int brokerId, IReadOnlyCollection<Common.Uuid> offlineDirs,
        ElectionPolicy policy) =>
        offlineDirs.Count == 0 ? [] : PlanReplicasLeaving(image, brokerId, policy, p => offlineDirs.Contains(p.DirectoryOf(brokerId)));

    private static List<PartitionChange> PlanReplicasLeaving(MetadataImage image, int brokerId, ElectionPolicy policy, Func<PartitionImage, bool> leaving)
    {
        var changes = new List<PartitionChange>();
        foreach (var topic in image.TopicsById.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.Leader != brokerId && !p.Isr.Contains(brokerId)) continue;
                if (!leaving(p)) continue;
                var isr = p.Isr.Remove(brokerId);
                // Without ELR an ISR never empties: the last member stays, so it can lead again when it returns.
                if (isr.IsEmpty && !policy.EligibleLeaderReplicas) isr = p.Isr;
                var leader = p.Leader;
                var wasUnclean = false;
                if (leader == brokerId || (leader >= 0 && !IsCandidate(image, leader, brokerId, brokerIsCandidate: false)))
                    (leader, isr, wasUnclean) = Elect(image, topic, p, isr, brokerId, brokerIsCandidate: false, policy);
                AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
            }
        }
        return changes;
    }

    /// <summary>
    /// <paramref name="brokerId"/> became active (unfenced): each leaderless partition it is a replica of elects a leader
    /// from its ISR, its eligible leader replicas or its last known leader — typically this broker — or, if allowed, uncleanly.
    /// </summary>
    public static List<PartitionChange> PlanBrokerReturning(MetadataImage image, int brokerId, ElectionPolicy policy)
    {
        var changes = new List<PartitionChange>();
        foreach (var topic in image.TopicsById.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.Leader >= 0 || !p.Replicas.Contains(brokerId)) continue;
                var (leader, isr, wasUnclean) = Elect(image, topic, p, p.Isr, brokerId, brokerIsCandidate: true, policy);
                AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
            }
        }
        return changes;
    }

    /// <summary>
    /// unclean.leader.election.enable was just set for <paramref name="topic"/> (<paramref name="image"/> already has the
    /// new value): if it now allows unclean election, each leaderless partition of the topic elects an active ISR member
    /// (or eligible leader replica, or its last known leader) or else the first active replica outside them, as Kafka's
    /// controller does when the config is turned on — otherwise such a partition would stay offline until some broker
    /// happened to be fenced or unfenced.
    /// </summary>
    public static List<PartitionChange> PlanLeaderlessAfterConfigChange(MetadataImage image, TopicImage topic, ElectionPolicy policy)
    {
        var changes = new List<PartitionChange>();
        if (!IsUncleanElectionEnabled(image, topic, policy.UncleanDefault)) return changes;
        foreach (var p in topic.Partitions)
        {
            if (p.Leader >= 0) continue;
            var (leader, isr, wasUnclean) = Elect(image, topic, p, p.Isr, -1, brokerIsCandidate: false, policy);
            AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
        }
        return changes;
    }

    /// <summary>
    /// Elects a leader for <paramref name="p"/> whose ISR is to be <paramref name="isr"/>, in Kafka's order: an active
    /// ISR member; with ELR and an empty ISR, an active eligible leader replica (then the ISR alone) or else the last
    /// known leader (counted as unclean: its log may lack records); with unclean election allowed, any active replica
    /// (the ISR alone). -1 when none can lead. Returns the leader, the ISR and whether the election was unclean.
    /// </summary>
    private static (int Leader, ImmutableArray<int> Isr, bool Unclean) Elect(MetadataImage image, TopicImage topic, PartitionImage p,
        ImmutableArray<int> isr, int brokerId, bool brokerIsCandidate, ElectionPolicy policy)
    {
        var leader = FirstCandidate(image, p, isr, brokerId, brokerIsCandidate);
        if (leader >= 0) return (leader, isr, false);
        if (policy.EligibleLeaderReplicas && isr.IsEmpty)
        {
            leader = FirstCandidate(image, p, [.. EligibleLeaderReplicas.CandidatesWhenIsrEmpty(p)], brokerId, brokerIsCandidate);
            if (leader >= 0) return (leader, [leader], false);
            if (p.LastKnownElr.Length == 1 && p.Elr.IsEmpty && IsCandidate(image, p.LastKnownElr[0], brokerId, brokerIsCandidate)
                && p.Replicas.Contains(p.LastKnownElr[0]))
                return (p.LastKnownElr[0], [p.LastKnownElr[0]], true);
        }
        if (IsUncleanElectionEnabled(image, topic, policy.UncleanDefault))
        {
            leader = FirstCandidate(image, p, null, brokerId, brokerIsCandidate);
            if (leader >= 0) return (leader, [leader], true);
        }
        return (-1, isr, false);
    }

    /// <summary>unclean.leader.election.enable for <paramref name="topic"/>: its own config, else the cluster-wide dynamic default, else the static one.</summary>
    public static bool IsUncleanElectionEnabled(MetadataImage image, TopicImage topic, bool staticDefault)
    {
        if (topic.Configs.TryGetValue(UncleanLeaderElectionKey, out var value) && bool.TryParse(value, out var own)) return own;
        if (image.BrokerConfigs.TryGetValue("", out var cluster) && cluster.TryGetValue(UncleanLeaderElectionKey, out var d)
            && bool.TryParse(d, out var dynamicDefault))
            return dynamicDefault;
        return staticDefault;
    }

    /// <summary>
    /// The first replica, in replica order, that is in <paramref name="isr"/> (any replica when null) and a candidate;
    /// -1 when there is none. Replica order is the preference order (the first replica is the preferred leader).
    /// </summary>
    private static int FirstCandidate(MetadataImage image, PartitionImage p, IReadOnlyCollection<int>? isr, int brokerId, bool brokerIsCandidate)
    {
        foreach (var replica in p.Replicas)
        {
            if (isr is not null && !isr.Contains(replica)) continue;
            if (IsCandidate(image, replica, brokerId, brokerIsCandidate)) return replica;
        }
        return -1;
    }

    // The broker whose state changes is judged by its new state (not yet in the image); every other by the image.
    private static bool IsCandidate(MetadataImage image, int id, int brokerId, bool brokerIsCandidate) =>
        id == brokerId ? brokerIsCandidate : image.Brokers.TryGetValue(id, out var b) && b.IsActive;

    private static void AddIfChanged(List<PartitionChange> changes, TopicImage topic, PartitionImage p, int leader,
        ImmutableArray<int> isr, bool unclean)
    {
        if (leader == p.Leader && isr.SequenceEqual(p.Isr)) return;
        var leaderEpoch = leader == p.Leader ? p.LeaderEpoch : p.LeaderEpoch + 1;
        var record = p.ToRecord(topic.Id) with { Isr = [.. isr], Leader = leader, LeaderEpoch = leaderEpoch, PartitionEpoch = p.PartitionEpoch + 1 };
        changes.Add(new PartitionChange(topic, p, record, unclean));
    }
}
