namespace Brook.Metadata;

/// <summary>
/// The controller's static settings that shape leader elections: the unclean.leader.election.enable default for topics
/// without their own value, whether eligible leader replicas are tracked (KIP-966) and the min.insync.replicas default
/// that decides when they are.
/// </summary>
/// <param name="UncleanDefault">unclean.leader.election.enable of the static config.</param>
/// <param name="EligibleLeaderReplicas">eligible.leader.replicas.enable: with it an ISR may become empty, replicas that
/// leave an ISR below min.insync.replicas become eligible leaders, and the last leader is kept (KIP-966). Without it the
/// last ISR member stays in the ISR (Kafka before KIP-966).</param>
/// <param name="MinInsyncReplicasDefault">min.insync.replicas of the static config.</param>
public sealed record ElectionPolicy(bool UncleanDefault, bool EligibleLeaderReplicas = true, int MinInsyncReplicasDefault = 1)
{
    /// <summary>Kafka's defaults: no unclean election, eligible leader replicas on, min.insync.replicas=1.</summary>
    public static ElectionPolicy Default { get; } = new(UncleanDefault: false);
}
