using Confluent.Kafka;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// Rebuilds the read model from the compacted state topic: every partition from its beginning up to the end offsets
/// captured before reading, the latest record per account winning. Compaction keeps that read short — about one
/// record per account, however long the event history — which is why a new instance does not replay the event log.
/// </summary>
public static class StateTopicRestorer
{
    /// <summary>Reads the state topic into <paramref name="readModel"/> and returns how many records it read.</summary>
    public static long Restore(BankAccountsOptions options, AccountReadModel readModel, CancellationToken cancellationToken)
    {
        // The end is fixed first: states published while we read belong to the live phase, and the rebuild finishes.
        var remaining = KafkaRetry.Run(() => AccountTopics.EndOffsets(options, options.StateTopic), TimeSpan.FromSeconds(30), cancellationToken)
            .Where(p => p.Value > 0).ToDictionary();
        if (remaining.Count == 0) return 0;

        // Assigned, not subscribed: every instance reads every partition, and a rebuild commits nothing.
        using var consumer = new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = $"{options.StateTopic}-restore",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Compaction leaves gaps in the offsets: the end-of-partition event says "nothing more" where counting cannot.
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(remaining.Keys.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        long read = 0;
        while (remaining.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record) continue;
            if (!record.IsPartitionEOF)
            {
                read++;
                // A null value is a tombstone (the account is gone); a record without a key is none of ours.
                if (record.Message.Key is { } accountId)
                {
                    if (record.Message.Value is null) readModel.Remove(accountId);
                    else readModel.Put(AccountJson.Deserialize<AccountState>(record.Message.Value));
                }
            }
            if (remaining.TryGetValue(record.TopicPartition, out var end) && record.Offset.Value + (record.IsPartitionEOF ? 0 : 1) >= end)
                remaining.Remove(record.TopicPartition);
        }
        return read;
    }
}
