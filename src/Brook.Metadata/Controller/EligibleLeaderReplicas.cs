using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// Keeps a partition's eligible leader replicas (ELR) and last known leader (KIP-966) true across every change the
/// controller writes. The guarantee behind them: while the ISR is below min.insync.replicas the leader does not move the
/// high watermark (strict min ISR), so every replica that was in the ISR when it dropped below still holds each
/// committed record and may lead cleanly later, even from outside the ISR. The rules, Kafka's:
/// <list type="bullet">
/// <item>An ISR at or above the effective min ISR (min.insync.replicas capped at the replica count) clears both lists:
/// the high watermark moves again, so no replica outside the ISR is known to be complete.</item>
/// <item>Below it, the ELR becomes the old ELR plus the old ISR, minus the new ISR, minus replicas whose broker came
/// back from an unclean shutdown (its log may have lost an unflushed tail), minus replicas no longer assigned.</item>
/// <item>When the ISR empties, the leader at that moment is kept as the last known leader; it is cleared as soon as the
/// partition has a leader again.</item>
/// <item>An unclean election (the new leader alone in the ISR, elected from neither the old ISR nor the ELR) clears
/// both: nothing before it is known to be complete any more.</item>
/// </list>
/// </summary>
public static class EligibleLeaderReplicas
{
    /// <summary>The topic (and broker) key whose value, capped at the replica count, decides when the ELR is kept.</summary>
    public const string MinInsyncReplicasKey = "min.insync.replicas";

    /// <summary>
    /// min.insync.replicas for <paramref name="topic"/> — its own config, else the cluster-wide dynamic default, else the
    /// static one — capped at <paramref name="replicaCount"/>, as Kafka's controller and leaders apply it.
    /// </summary>
    public static int EffectiveMinIsr(MetadataImage image, TopicImage topic, int replicaCount, int staticDefault)
    {
        var minIsr = staticDefault;
        if (topic.Configs.TryGetValue(MinInsyncReplicasKey, out var own) && int.TryParse(own, out var o)) minIsr = o;
        else if (image.BrokerConfigs.TryGetValue("", out var cluster) && cluster.TryGetValue(MinInsyncReplicasKey, out var d)
                 && int.TryParse(d, out var dynamicDefault))
            minIsr = dynamicDefault;
        return Math.Max(1, Math.Min(minIsr, replicaCount));
    }

    /// <summary>
    /// The replicas that may lead cleanly once <paramref name="p"/>'s ISR is empty: its ELR plus its old ISR (they held
    /// every committed record when the ISR dropped below min ISR), minus <paramref name="uncleanShutdown"/>.
    /// </summary>
    public static IEnumerable<int> CandidatesWhenIsrEmpty(PartitionImage p, IReadOnlyCollection<int>? uncleanShutdown = null) =>
        p.Elr.Concat(p.Isr).Distinct().Where(r => uncleanShutdown is null || !uncleanShutdown.Contains(r));

    /// <summary>
    /// <paramref name="after"/> with its ELR and last known leader recomputed from <paramref name="before"/> and the
    /// change it makes; with <paramref name="policy"/> not tracking ELR both are cleared.
    /// </summary>
    public static PartitionRecord Track(MetadataImage image, TopicImage topic, PartitionImage before, PartitionRecord after,
        ElectionPolicy policy, IReadOnlyCollection<int>? uncleanShutdown = null)
    {
        if (!policy.EligibleLeaderReplicas)
            return after.EligibleLeaderReplicas.Count == 0 && after.LastKnownElr.Count == 0 ? after : after with { EligibleLeaderReplicas = [], LastKnownElr = [] };

        var minIsr = EffectiveMinIsr(image, topic, after.Replicas.Count, policy.MinInsyncReplicasDefault);
        var leaderChanged = after.Leader >= 0 && after.Leader != before.Leader;
        var unclean = leaderChanged && after.Isr.Count == 1 && after.Isr[0] == after.Leader
                      && !before.Isr.Contains(after.Leader) && !before.Elr.Contains(after.Leader);

        IReadOnlyList<int> elr = unclean || after.Isr.Count >= minIsr
            ? []
            : [.. CandidatesWhenIsrEmpty(before, uncleanShutdown).Where(r => !after.Isr.Contains(r) && after.Replicas.Contains(r)).Order()];

        IReadOnlyList<int> lastKnown;
        if (after.Leader >= 0) lastKnown = [];
        else if (after.Isr.Count == 0 && before.Leader >= 0) lastKnown = [before.Leader];
        else lastKnown = [.. before.LastKnownElr.Where(after.Replicas.Contains)];

        if (elr.SequenceEqual(after.EligibleLeaderReplicas) && lastKnown.SequenceEqual(after.LastKnownElr)) return after;
        return after with { EligibleLeaderReplicas = elr, LastKnownElr = lastKnown };
    }
}
