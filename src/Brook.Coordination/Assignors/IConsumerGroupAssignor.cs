using Brook.Common;

namespace Brook.Coordination.Assignors;

/// <summary>One member as a server-side assignor sees it: what it subscribes to and its previous target (for stickiness).</summary>
internal sealed record AssignmentMember(string MemberId, string? InstanceId, IReadOnlySet<Uuid> SubscribedTopicIds, PartitionAssignment PreviousTarget);

/// <summary>
/// A KIP-848 server-side assignor: turns the members' subscriptions and the topics' partition counts into a target
/// assignment. It must give each partition of a subscribed topic to exactly one member subscribed to that topic, and be
/// deterministic for the same input, so every coordinator computes the same target.
/// </summary>
internal interface IConsumerGroupAssignor
{
    /// <summary>The name clients put in ConsumerGroupHeartbeat's ServerAssignor ("uniform", "range").</summary>
    string Name { get; }

    /// <summary>Member id → its target; every member in <paramref name="members"/> gets an entry (possibly empty).</summary>
    Dictionary<string, PartitionAssignment> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyDictionary<Uuid, int> partitionCounts);
}

/// <summary>The assignors this broker implements, by name.</summary>
internal static class ConsumerGroupAssignors
{
    private static readonly Dictionary<string, IConsumerGroupAssignor> ByName = new(StringComparer.Ordinal)
    {
        [UniformAssignor.AssignorName] = new UniformAssignor(),
        [RangeAssignor.AssignorName] = new RangeAssignor(),
    };

    public static bool TryGet(string name, out IConsumerGroupAssignor assignor) => ByName.TryGetValue(name, out assignor!);

    public static IReadOnlyCollection<string> Names => ByName.Keys;
}
