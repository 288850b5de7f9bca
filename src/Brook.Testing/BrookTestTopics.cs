using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Testing;

/// <summary>Topics on a test broker or cluster: create (and wait until every partition has a leader), delete, produce, read back.</summary>
public static class BrookTestTopics
{
    /// <summary>
    /// Creates a topic and returns once the metadata shows a leader for each of its partitions, so a producer's first
    /// send does not race the creation.
    /// </summary>
    /// <param name="server">The broker or cluster.</param>
    /// <param name="topic">The topic's name.</param>
    /// <param name="partitions">Number of partitions.</param>
    /// <param name="replicationFactor">Copies of each partition; the broker's default.replication.factor when null.</param>
    /// <param name="config">Topic configs with Kafka's names (cleanup.policy, retention.ms, min.insync.replicas, ...).</param>
    public static async Task CreateTopicAsync(this IBrookTestServer server, string topic, int partitions = 1, short? replicationFactor = null,
        IReadOnlyDictionary<string, string>? config = null)
    {
        using var admin = server.CreateAdminClient();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic,
            NumPartitions = partitions,
            ReplicationFactor = replicationFactor ?? -1,
            Configs = config?.ToDictionary(),
        }]).ConfigureAwait(false);
        await WaitForLeadersAsync(admin, topic, partitions, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Deletes a topic.</summary>
    public static async Task DeleteTopicAsync(this IBrookTestServer server, string topic)
    {
        using var admin = server.CreateAdminClient();
        await admin.DeleteTopicsAsync([topic]).ConfigureAwait(false);
    }

    /// <summary>Sends string records to <paramref name="topic"/> (acks=all, idempotent) and returns where each one landed, in order.</summary>
    public static async Task<IReadOnlyList<TopicPartitionOffset>> ProduceAsync(this IBrookTestServer server, string topic,
        params IEnumerable<Message<string?, string>> messages)
    {
        using var producer = server.CreateProducer<string?, string>();
        var offsets = new List<TopicPartitionOffset>();
        foreach (var message in messages)
            offsets.Add((await producer.ProduceAsync(topic, message).ConfigureAwait(false)).TopicPartitionOffset);
        return offsets;
    }

    /// <summary>Sends one keyed string record and returns where it landed.</summary>
    public static async Task<TopicPartitionOffset> ProduceAsync(this IBrookTestServer server, string topic, string? key, string value) =>
        (await server.ProduceAsync(topic, new Message<string?, string> { Key = key, Value = value }).ConfigureAwait(false))[0];

    /// <summary>
    /// Reads <paramref name="count"/> records of <paramref name="topic"/> from the start of every partition, without a
    /// consumer group (nothing is committed), in each partition's order.
    /// </summary>
    /// <param name="server">The broker or cluster.</param>
    /// <param name="topic">The topic to read.</param>
    /// <param name="count">How many records to wait for.</param>
    /// <param name="timeout">How long to wait for them (10 s when null).</param>
    /// <param name="readCommitted">Read as a read_committed consumer: records of open or aborted transactions are not returned.</param>
    /// <exception cref="TimeoutException">Fewer records arrived in time; the message says how many.</exception>
    public static async Task<IReadOnlyList<ConsumeResult<string?, string>>> ConsumeAsync(this IBrookTestServer server, string topic, int count,
        TimeSpan? timeout = null, bool readCommitted = true)
    {
        using var admin = server.CreateAdminClient();
        var partitions = await WaitForLeadersAsync(admin, topic, 1, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        var config = server.ConsumerConfig("brook-testing-reader");
        config.EnableAutoCommit = false;
        config.IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
        using var consumer = new ConsumerBuilder<string?, string>(config).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string?, string>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        // Consume blocks librdkafka's poll thread: off the caller's thread, so an async test stays responsive.
        await Task.Run(() =>
        {
            while (records.Count < count && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result) records.Add(result);
            }
        }).ConfigureAwait(false);
        if (records.Count < count)
            throw new TimeoutException($"read {records.Count} of {count} records of {topic} within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds:0.#} s");
        return records;
    }

    /// <summary>The topic's partition ids once the metadata shows at least <paramref name="partitions"/> of them, each with a leader.</summary>
    internal static async Task<IReadOnlyList<int>> WaitForLeadersAsync(IAdminClient admin, string topic, int partitions, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no metadata";
        while (true)
        {
            try
            {
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(2)).Topics.SingleOrDefault(t => t.Topic == topic);
                if (metadata is { Error.IsError: false } && metadata.Partitions.Count >= partitions && metadata.Partitions.All(p => p.Leader >= 0))
                    return [.. metadata.Partitions.Select(p => p.PartitionId).Order()];
                last = metadata is null ? "topic not in the metadata" : metadata.Error.IsError ? metadata.Error.Reason : "a partition has no leader";
            }
            catch (KafkaException e)
            {
                last = e.Error.Reason;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"topic {topic} not ready within {timeout.TotalSeconds:0} s: {last}");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
