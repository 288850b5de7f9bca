using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Examples.EventSourcing;

/// <summary>Creates the two topics with the configs the pattern relies on, and reads where they end.</summary>
public static class AccountTopics
{
    /// <summary>
    /// Creates the event log (delete policy, kept forever: it is the source of truth) and the state topic (compact:
    /// only the latest state per account matters) unless they exist, then waits until every partition has a leader.
    /// </summary>
    public static async Task EnsureCreatedAsync(BankAccountsOptions options, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers }).Build();
        var stateConfig = new Dictionary<string, string>(options.StateTopicConfig) { ["cleanup.policy"] = "compact" };
        TopicSpecification[] topics =
        [
            new()
            {
                Name = options.EventsTopic,
                NumPartitions = options.Partitions,
                ReplicationFactor = -1,
                Configs = new() { ["cleanup.policy"] = "delete", ["retention.ms"] = "-1", ["retention.bytes"] = "-1" },
            },
            new() { Name = options.StateTopic, NumPartitions = options.Partitions, ReplicationFactor = -1, Configs = stateConfig },
        ];
        try
        {
            await admin.CreateTopicsAsync(topics).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Created by an earlier instance: their configs stay as they are.
        }
        foreach (var topic in topics) await WaitForLeadersAsync(admin, topic.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The partitions of <paramref name="topic"/> and each one's end offset (high watermark) now.</summary>
    public static Dictionary<TopicPartition, long> EndOffsets(BankAccountsOptions options, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic);
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        // Watermarks need a consumer handle; it joins no group (nothing subscribed) and commits nothing.
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = $"{topic}-offsets",
            EnableAutoCommit = false,
        }).Build();
        return metadata.Partitions.ToDictionary(
            p => new TopicPartition(topic, p.PartitionId),
            p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    private static async Task WaitForLeadersAsync(IAdminClient admin, string topic, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(2)).Topics.SingleOrDefault(t => t.Topic == topic);
                if (metadata is { Error.IsError: false, Partitions.Count: > 0 } && metadata.Partitions.All(p => p.Leader >= 0)) return;
            }
            catch (KafkaException) when (DateTime.UtcNow < deadline)
            {
                // Not in the metadata yet: ask again.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"topic {topic} has no leader for every partition after 30 s");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
