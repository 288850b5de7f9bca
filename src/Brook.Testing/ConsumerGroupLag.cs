using Confluent.Kafka;

namespace Brook.Testing;

/// <summary>
/// A consumer group's lag as kafka-consumer-groups.sh shows it: per partition, the log end offset minus the group's
/// committed offset (a partition with no committed offset counts as lagging by everything it holds).
/// </summary>
/// <param name="GroupId">The group.</param>
/// <param name="Partitions">Lag per partition of the topics looked at.</param>
public sealed record ConsumerGroupLag(string GroupId, IReadOnlyDictionary<TopicPartition, long> Partitions)
{
    /// <summary>The sum over all partitions.</summary>
    public long Total => Partitions.Values.Sum();

    /// <inheritdoc />
    public override string ToString() =>
        $"group {GroupId} lag {Total} ({string.Join(", ", Partitions.OrderBy(p => p.Key.Topic).ThenBy(p => p.Key.Partition.Value).Select(p => $"{p.Key.Topic}-{p.Key.Partition.Value}: {p.Value}"))})";
}
