using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Decides leaders and ISRs when a broker stops or starts being a leader candidate (pure, like the topic planners: it
/// returns the partition records and writes nothing). The rules are Kafka's KRaft controller's:
/// <list type="bullet">
/// <item>A broker that is fenced, enters controlled shutdown or is unregistered leaves the ISR of every partition
/// where it is a member, and each partition it led elects the first replica, in replica order, that is in the
/// remaining ISR and active (registered, unfenced, not shutting down).</item>
/// <item>An ISR never becomes empty: when the broker was its last member, the partition keeps it as the only member
/// and gets no leader (-1), so that broker — the only one known to hold every committed record — is elected again when
/// it comes back. This is the "last known leader" of Kafka before KIP-966; the eligible leader replicas of KIP-966
/// (ELR) are not kept.</item>
/// <item>With unclean.leader.election.enable (topic config, else the cluster-wide dynamic default, else the static
/// broker config) a partition left without an electable ISR member elects the first active replica outside it, whose
/// log becomes the truth: records it lacks are lost. Its ISR becomes that replica alone.</item>
/// <item>When a broker becomes active again, each leaderless partition among its replicas elects by the same rules;
/// when unclean election is turned on for a topic, each of its leaderless partitions does.</item>
/// </list>
/// A leader change bumps the leader epoch; every change bumps the partition epoch, so neither ever goes back.
/// </summary>
public static class LeaderElectionPlanner
{
    /// <summary>The topic key (and its broker default) that allows electing an out-of-sync replica.</summary>
    public const string UncleanLeaderElectionKey = "unclean.leader.election.enable";

    /// <summary>
    /// <paramref name="brokerId"/> is leaving (fenced, controlled shutdown, unregistered): it leaves every ISR it is in
    /// (unless it is the last member) and the partitions it led elect new leaders.
    /// </summary>
    public static List<PartitionChange> PlanBrokerLeaving(MetadataImage image, int brokerId, bool uncleanDefault) =>
        PlanReplicasLeaving(image, brokerId, uncleanDefault, static _ => true);

    /// <summary>
    /// <paramref name="brokerId"/> reported log directories offline (KIP-858): its replicas there leave their ISRs the
    /// way a leaving broker's do, and the partitions it led from them elect new leaders. Its other replicas are untouched.
    /// </summary>
    public static List<PartitionChange> PlanDirectoriesOffline(MetadataImage image, int brokerId, IReadOnlyCollection<Common.Uuid> offlineDirs,
        bool uncleanDefault) =>
        offlineDirs.Count == 0 ? [] : PlanReplicasLeaving(image, brokerId, uncleanDefault, p => offlineDirs.Contains(p.DirectoryOf(brokerId)));

    private static List<PartitionChange> PlanReplicasLeaving(MetadataImage image, int brokerId, bool uncleanDefault, Func<PartitionImage, bool> leaving)
    {
        var changes = new List<PartitionChange>();
        foreach (var topic in image.TopicsById.Values)
        {
            bool? unclean = null;
            foreach (var p in topic.Partitions)
            {
                if (p.Leader != brokerId && !p.Isr.Contains(brokerId)) continue;
                if (!leaving(p)) continue;
                var isr = p.Isr.Remove(brokerId);
                // Never an empty ISR: the last member stays, so it can lead again when it returns.
                if (isr.IsEmpty) isr = p.Isr;
                var leader = p.Leader;
                var wasUnclean = false;
                if (leader == brokerId || (leader >= 0 && !IsCandidate(image, leader, brokerId, brokerIsCandidate: false)))
                {
                    leader = FirstCandidate(image, p, isr, brokerId, brokerIsCandidate: false);
                    if (leader < 0 && (unclean ??= IsUncleanElectionEnabled(image, topic, uncleanDefault)))
                    {
                        leader = FirstCandidate(image, p, null, brokerId, brokerIsCandidate: false);
                        if (leader >= 0)
                        {
                            isr = [leader];
                            wasUnclean = true;
                        }
                    }
                }
                AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
            }
        }
        return changes;
    }

    /// <summary>
    /// <paramref name="brokerId"/> became active (unfenced): each leaderless partition it is a replica of elects a leader
    /// from its ISR — typically this broker, kept as the last member — or, if allowed, uncleanly.
    /// </summary>
    public static List<PartitionChange> PlanBrokerReturning(MetadataImage image, int brokerId, bool uncleanDefault)
    {
        var changes = new List<PartitionChange>();
        foreach (var topic in image.TopicsById.Values)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.Leader >= 0 || !p.Replicas.Contains(brokerId)) continue;
                var isr = p.Isr;
                var wasUnclean = false;
                var leader = FirstCandidate(image, p, isr, brokerId, brokerIsCandidate: true);
                if (leader < 0 && IsUncleanElectionEnabled(image, topic, uncleanDefault))
                {
                    leader = FirstCandidate(image, p, null, brokerId, brokerIsCandidate: true);
                    if (leader >= 0)
                    {
                        isr = [leader];
                        wasUnclean = true;
                    }
                }
                AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
            }
        }
        return changes;
    }

    /// <summary>
    /// unclean.leader.election.enable was just set for <paramref name="topic"/> (<paramref name="image"/> already has the
    /// new value): if it now allows unclean election, each leaderless partition of the topic elects an active ISR member
    /// or else the first active replica outside the ISR, as Kafka's controller does when the config is turned on —
    /// otherwise such a partition would stay offline until some broker happened to be fenced or unfenced.
    /// </summary>
    public static List<PartitionChange> PlanLeaderlessAfterConfigChange(MetadataImage image, TopicImage topic, bool uncleanDefault)
    {
        var changes = new List<PartitionChange>();
        if (!IsUncleanElectionEnabled(image, topic, uncleanDefault)) return changes;
        foreach (var p in topic.Partitions)
        {
            if (p.Leader >= 0) continue;
            var isr = p.Isr;
            var wasUnclean = false;
            var leader = FirstCandidate(image, p, isr, -1, brokerIsCandidate: false);
            if (leader < 0)
            {
                leader = FirstCandidate(image, p, null, -1, brokerIsCandidate: false);
                if (leader >= 0)
                {
                    isr = [leader];
                    wasUnclean = true;
                }
            }
            AddIfChanged(changes, topic, p, leader, isr, wasUnclean);
        }
        return changes;
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
        System.Collections.Immutable.ImmutableArray<int> isr, bool unclean)
    {
        if (leader == p.Leader && isr.SequenceEqual(p.Isr)) return;
        var leaderEpoch = leader == p.Leader ? p.LeaderEpoch : p.LeaderEpoch + 1;
        var record = p.ToRecord(topic.Id) with { Isr = [.. isr], Leader = leader, LeaderEpoch = leaderEpoch, PartitionEpoch = p.PartitionEpoch + 1 };
        changes.Add(new PartitionChange(topic, p, record, unclean));
    }
}
