using Brook.Common;

namespace Brook.Replication;

/// <summary>
/// A hosted partition's leadership on this broker changed with an applied metadata image: it became the leader (or
/// leads it in a new leader epoch) — <paramref name="IsLeader"/> true — or it stopped leading it — false, with the
/// epoch the partition is at now (the last one it had, if it is no longer hosted here).
/// </summary>
public readonly record struct LeadershipChange(TopicPartition Partition, bool IsLeader, int LeaderEpoch);
