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
/// <see cref="OfflineLogDirs"/> are the directory.ids of its log directories that failed (KIP-858).
/// </summary>
public sealed record BrokerHeartbeatSpec(int BrokerId, long BrokerEpoch, long CurrentMetadataOffset, bool WantFence, bool WantShutDown,
    IReadOnlyList<Uuid>? OfflineLogDirs = null);

/// <summary>A broker's report that its replica of a partition lives in the log directory <see cref="DirectoryId"/> (KIP-858).</summary>
public sealed record DirectoryAssignment(Uuid TopicId, int Partition, Uuid DirectoryId);

/// <summary>
/// The controller's answer to an AssignReplicasToDirs: a top-level error (STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED)
/// or one per assignment — NONE, UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER (not a replica).
/// </summary>
public sealed record DirectoryAssignmentResult(ErrorCode Error, IReadOnlyList<(DirectoryAssignment Assignment, ErrorCode Error)> Partitions);

/// <summary>
/// The controller's answer to a heartbeat: whether the broker has caught up with the metadata, whether it is fenced
/// (not a leader candidate, not listed to clients), and whether it may shut down now (its leaderships moved away).
/// </summary>
public sealed record BrokerHeartbeatResult(ErrorCode Error, bool IsCaughtUp, bool IsFenced, bool ShouldShutDown);
