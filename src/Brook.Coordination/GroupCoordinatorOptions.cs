using Brook.Common.Config;

namespace Brook.Coordination;

/// <summary>The broker settings the group coordinator obeys; defaults are Kafka's.</summary>
public sealed record GroupCoordinatorOptions
{
    /// <summary>offsets.topic.num.partitions: fixes the group → partition mapping, so it must never change once used.</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    /// <summary>group.min.session.timeout.ms / group.max.session.timeout.ms: the range a JoinGroup session timeout must fall in.</summary>
    public int MinSessionTimeoutMs { get; init; } = 6_000;
    public int MaxSessionTimeoutMs { get; init; } = 1_800_000;

    /// <summary>group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members.</summary>
    public int InitialRebalanceDelayMs { get; init; } = 3_000;

    /// <summary>group.max.size.</summary>
    public int MaxGroupSize { get; init; } = int.MaxValue;

    /// <summary>offset.metadata.max.bytes: longer commit metadata strings get OFFSET_METADATA_TOO_LARGE.</summary>
    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary>offsets.retention.minutes (in ms): how long offsets of a group without members are kept.</summary>
    public long OffsetsRetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>offsets.retention.check.interval.ms: how often the timer loop expires offsets; 0 or less disables it.</summary>
    public long OffsetsRetentionCheckIntervalMs { get; init; } = 600_000;

    /// <summary>
    /// How long a new member's first JoinGroup may stay parked (Kafka's fixed 5 minutes, KIP-394): a client that gave up
    /// and retried with a new member id must not keep a ghost member in the rebalance forever.
    /// </summary>
    public int NewMemberJoinTimeoutMs { get; init; } = 300_000;

    /// <summary>
    /// group.consumer.session.timeout.ms: a KIP-848 member that has not heartbeated for this long is removed. Unlike
    /// classic groups the broker, not the client, decides it.
    /// </summary>
    public int ConsumerGroupSessionTimeoutMs { get; init; } = 45_000;

    /// <summary>group.consumer.heartbeat.interval.ms: how often KIP-848 members are told to heartbeat.</summary>
    public int ConsumerGroupHeartbeatIntervalMs { get; init; } = 5_000;

    /// <summary>group.consumer.assignors: the server-side assignors clients may name; the first is the default.</summary>
    public IReadOnlyList<string> ConsumerGroupAssignors { get; init; } = ["uniform", "range"];

    /// <summary>group.consumer.max.size: members beyond this get GROUP_MAX_SIZE_REACHED.</summary>
    public int ConsumerGroupMaxSize { get; init; } = int.MaxValue;

    /// <summary>Reads the group settings out of the broker configuration.</summary>
    public static GroupCoordinatorOptions FromConfig(BrokerConfig config) => new()
    {
        ConsumerGroupSessionTimeoutMs = config.GetInt("group.consumer.session.timeout.ms"),
        ConsumerGroupHeartbeatIntervalMs = config.GetInt("group.consumer.heartbeat.interval.ms"),
        OffsetsTopicPartitions = config.OffsetsTopicNumPartitions,
        MinSessionTimeoutMs = config.GroupMinSessionTimeoutMs,
        MaxSessionTimeoutMs = config.GroupMaxSessionTimeoutMs,
        InitialRebalanceDelayMs = config.GroupInitialRebalanceDelayMs,
        MaxGroupSize = config.GroupMaxSize,
        OffsetMetadataMaxBytes = config.OffsetMetadataMaxBytes,
        OffsetsRetentionMs = config.OffsetsRetentionMs,
        OffsetsRetentionCheckIntervalMs = config.OffsetsRetentionCheckIntervalMs,
    };
}
