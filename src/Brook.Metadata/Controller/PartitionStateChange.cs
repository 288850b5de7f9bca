using Brook.Common;

namespace Brook.Metadata;

/// <summary>
/// A partition leader's AlterPartition (KIP-497): it asks the controller to make <see cref="NewIsr"/> the in-sync set
/// of its partition, stating the leader and partition epochs it acts in so a stale request is refused.
/// </summary>
public sealed record AlterPartitionSpec(int BrokerId, long BrokerEpoch, Uuid TopicId, int Partition, int LeaderEpoch, int PartitionEpoch, IReadOnlyList<int> NewIsr);

/// <summary>
/// The controller's answer to an <see cref="AlterPartitionSpec"/>: NONE with the partition's new state (the leader
/// applies it at once, before the metadata arrives), or Kafka's error — FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION
/// (partition epoch), NOT_LEADER_OR_FOLLOWER, INELIGIBLE_REPLICA (a fenced or unknown broker in the new ISR),
/// UNKNOWN_TOPIC_OR_PARTITION, STALE_BROKER_EPOCH.
/// </summary>
public sealed record AlterPartitionResult(ErrorCode Error, int LeaderId, int LeaderEpoch, int PartitionEpoch, IReadOnlyList<int> Isr);

/// <summary>
/// A broker's heartbeat (KIP-631 BrokerHeartbeat): it is alive at <see cref="BrokerEpoch"/>, has applied the
/// metadata up to <see cref="CurrentMetadataOffset"/>, and may ask to stay fenced or to shut down (controlled shutdown).
/// </summary>
public sealed record BrokerHeartbeatSpec(int BrokerId, long BrokerEpoch, long CurrentMetadataOffset, bool WantFence, bool WantShutDown);

/// <summary>
/// The controller's answer to a heartbeat: whether the broker has caught up with the metadata, whether it is fenced
/// (not a leader candidate, not listed to clients), and whether it may shut down now (its leaderships moved away).
/// </summary>
public sealed record BrokerHeartbeatResult(ErrorCode Error, bool IsCaughtUp, bool IsFenced, bool ShouldShutDown);
