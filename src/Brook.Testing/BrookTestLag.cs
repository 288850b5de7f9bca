using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Testing;

/// <summary>Consumer-group lag on a test broker or cluster, and waiting for a group to catch up.</summary>
public static class BrookTestLag
{
    /// <summary>The group's lag on every partition of <paramref name="topics"/> (log end offset minus committed offset).</summary>
    /// <param name="server">The broker or cluster.</param>
    /// <param name="groupId">The consumer group.</param>
    /// <param name="topics">The topics to measure; at least one.</param>
    public static async Task<ConsumerGroupLag> GetConsumerGroupLagAsync(this IBrookTestServer server, string groupId, params IEnumerable<string> topics)
    {
        var names = topics.ToList();
        if (names.Count == 0) throw new ArgumentException("name at least one topic", nameof(topics));
        using var admin = server.CreateAdminClient();
        var partitions = new List<TopicPartition>();
        foreach (var topic in names)
        {
            var ids = await BrookTestTopics.WaitForLeadersAsync(admin, topic, 1, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            partitions.AddRange(ids.Select(id => new TopicPartition(topic, id)));
        }
        var ends = await admin.ListOffsetsAsync(partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }))
            .ConfigureAwait(false);
        var starts = await admin.ListOffsetsAsync(partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Earliest() }))
            .ConfigureAwait(false);
        var committed = (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(groupId, partitions)]).ConfigureAwait(false))
            .Single().Partitions.ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
        var start = starts.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
        var lag = new Dictionary<TopicPartition, long>();
        foreach (var end in ends.ResultInfos.Select(r => r.TopicPartitionOffsetError))
        {
            var from = committed.TryGetValue(end.TopicPartition, out var offset) && offset >= 0 ? offset : start[end.TopicPartition];
            lag[end.TopicPartition] = Math.Max(0, end.Offset.Value - from);
        }
        return new ConsumerGroupLag(groupId, lag);
    }

    /// <summary>
    /// Waits until the group's lag on <paramref name="topics"/> is at most <paramref name="maxLag"/> (0: it has committed
    /// everything), polling every 100 ms; returns the lag it saw last.
    /// </summary>
    /// <param name="server">The broker or cluster.</param>
    /// <param name="groupId">The consumer group.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="maxLag">The largest total lag that counts as caught up.</param>
    /// <param name="topics">The topics to measure; at least one.</param>
    /// <exception cref="TimeoutException">The lag stayed above <paramref name="maxLag"/>; the message shows it per partition.</exception>
    public static async Task<ConsumerGroupLag> WaitForConsumerGroupLagAsync(this IBrookTestServer server, string groupId, TimeSpan timeout, long maxLag,
        params IEnumerable<string> topics)
    {
        var names = topics.ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ConsumerGroupLag? lag = null;
            string? error = null;
            try
            {
                lag = await server.GetConsumerGroupLagAsync(groupId, names).ConfigureAwait(false);
                if (lag.Total <= maxLag) return lag;
            }
            catch (KafkaException e)
            {
                error = e.Error.Reason; // e.g. the group coordinator is still loading after a fail-over
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"consumer group {groupId} not caught up (lag ≤ {maxLag}) within {timeout.TotalSeconds:0.#} s: {lag?.ToString() ?? error}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
