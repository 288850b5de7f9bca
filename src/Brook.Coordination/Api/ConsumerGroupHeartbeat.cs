using Brook.Common;

namespace Brook.Coordination;

/// <summary>
/// A ConsumerGroupHeartbeat (KIP-848), independent of its wire version. Nullable fields (and -1 for the rebalance
/// timeout) mean "unchanged since the previous heartbeat".
/// </summary>
public sealed record ConsumerGroupHeartbeatArgs
{
    /// <summary>Joining.</summary>
    public const int JoinEpoch = 0;
    /// <summary>Leaving for good.</summary>
    public const int LeaveEpoch = -1;
    /// <summary>A static member leaving for a while; it keeps its assignment until its session times out.</summary>
    public const int StaticLeaveEpoch = -2;

    public required string GroupId { get; init; }

    /// <summary>
    /// From Kafka 4.0 (KIP-1082) the client makes up its member id (a UUID) and sends it from the first heartbeat; older
    /// clients join with "" and the coordinator hands one out in the response. Both are accepted.
    /// </summary>
    public string MemberId { get; init; } = "";

    public int MemberEpoch { get; init; }
    public string? InstanceId { get; init; }
    public string? RackId { get; init; }
    public int RebalanceTimeoutMs { get; init; } = -1;
    public IReadOnlyList<string>? SubscribedTopicNames { get; init; }

    /// <summary>A regex subscription (v1+); "" clears it. Matched in full against topic names with .NET's engine.</summary>
    public string? SubscribedTopicRegex { get; init; }

    public string? ServerAssignor { get; init; }

    /// <summary>The partitions the member says it owns; null when the heartbeat does not say.</summary>
    public PartitionAssignment? OwnedPartitions { get; init; }

    /// <summary>The request header's client id and the peer address, shown by ConsumerGroupDescribe.</summary>
    public string ClientId { get; init; } = "";
    public string ClientHost { get; init; } = "";
}

/// <summary>
/// The ConsumerGroupHeartbeat response. <see cref="Assignment"/> is the member's full current assignment when the
/// member joined, sent a full request, or its assignment changed; null otherwise (the client keeps what it has).
/// </summary>
public sealed record ConsumerGroupHeartbeatResult(
    ErrorCode Error,
    string? ErrorMessage,
    string? MemberId,
    int MemberEpoch,
    int HeartbeatIntervalMs,
    PartitionAssignment? Assignment)
{
    public static ConsumerGroupHeartbeatResult Failed(ErrorCode error, string? message = null) => new(error, message, null, 0, 0, null);
}
