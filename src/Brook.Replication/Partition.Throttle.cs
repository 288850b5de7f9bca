namespace Brook.Replication;

// Which replication of this partition the broker's replication throttles apply to (KIP-73): the replicas the topic's
// leader/follower.replication.throttled.replicas name on this broker and, with the balancer on, the replicas a
// reassignment is adding — and only while the follower concerned is out of the ISR: an in-sync follower is what
// acks=all waits for, so it is never held back.
public sealed partial class Partition
{
    /// <summary>Leader side: what this broker serves for this partition counts against leader.replication.throttled.rate.</summary>
    public bool IsLeaderThrottled => Settings.LeaderThrottledReplicas.Contains(Id.Partition, _localId)
        || (Settings.ThrottleAddingReplicas && !State.AddingReplicas.IsEmpty);

    /// <summary>Leader side: serving <paramref name="followerId"/> may be held back (throttled replica, follower out of the ISR).</summary>
    public bool MayThrottleFollower(int followerId) => IsLeaderThrottled && !State.Isr.Contains(followerId);

    /// <summary>Follower side: what this broker fetches for this partition counts against follower.replication.throttled.rate.</summary>
    public bool IsFollowerThrottled => Settings.FollowerThrottledReplicas.Contains(Id.Partition, _localId)
        || (Settings.ThrottleAddingReplicas && State.AddingReplicas.Contains(_localId));

    /// <summary>Follower side: fetching may be held back (throttled replica, this broker out of the ISR).</summary>
    public bool MayThrottleFetching => IsFollowerThrottled && !State.Isr.Contains(_localId);
}
