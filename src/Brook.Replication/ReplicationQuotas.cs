using Brook.Common.Config;

namespace Brook.Replication;

/// <summary>
/// This broker's two replication throttles (KIP-73): what it serves to followers as leader and what it fetches as
/// follower, each for the replicas its topics' leader/follower.replication.throttled.replicas name and only while
/// those replicas are out of the ISR (an in-sync follower is never slowed: acks=all waits for it).
/// </summary>
public sealed class ReplicationQuotas(TimeProvider time)
{
    /// <summary>leader.replication.throttled.rate.</summary>
    public ReplicationQuota Leader { get; } = new(time);

    /// <summary>follower.replication.throttled.rate.</summary>
    public ReplicationQuota Follower { get; } = new(time);

    /// <summary>
    /// Applies the limits and sample layout of the configuration in force (static plus dynamic overrides). With the
    /// balancer on, an unset rate is brook.balancer.replication.throttled.rate, so the balancer's moves are throttled
    /// without an operator setting anything.
    /// </summary>
    public void Apply(BrokerConfig config)
    {
        long RateOf(long configured) => configured == long.MaxValue && config.BalancerEnable ? config.BalancerReplicationThrottledRate : configured;
        Leader.Configure(RateOf(config.LeaderReplicationThrottledRate), config.ReplicationQuotaWindowNum, config.ReplicationQuotaWindowSizeSeconds);
        Follower.Configure(RateOf(config.FollowerReplicationThrottledRate), config.ReplicationQuotaWindowNum, config.ReplicationQuotaWindowSizeSeconds);
    }
}
