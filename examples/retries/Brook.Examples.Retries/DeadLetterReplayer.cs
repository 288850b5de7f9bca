using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>
/// Moves dead-lettered records back to their original topic (or an explicit one) once the cause is fixed, without
/// their retry headers so they start over as new records. Progress is the replay group's committed offsets, committed
/// only after the copies are acknowledged: a replay interrupted at any point can be run again and loses nothing
/// (it may send a record twice, which the idempotent handler absorbs).
/// </summary>
public sealed class DeadLetterReplayer
{
    /// <summary>Records produced before their acknowledgements are awaited and their offsets committed together.</summary>
    private const int BatchSize = 100;

    private readonly DeadLetterReplayOptions _options;

    /// <summary>A replayer as <paramref name="options"/> describe.</summary>
    public DeadLetterReplayer(DeadLetterReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.BootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DeadLetterTopic);
        if (options.MaxRecords is { } max) ArgumentOutOfRangeException.ThrowIfNegative(max);
        _options = options;
    }

    /// <summary>
    /// Replays from the group's committed position up to the end each partition had when the replay started (records
    /// dead-lettered meanwhile wait for the next run), or <see cref="DeadLetterReplayOptions.MaxRecords"/> records.
    /// Returns how many were replayed.
    /// </summary>
    /// <exception cref="InvalidOperationException">A record has no original-topic header and no target topic was given; the records before it are replayed and committed.</exception>
    public Task<int> ReplayAsync(CancellationToken cancellationToken = default) => Task.Run(async () =>
    {
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.EffectiveGroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        };
        _options.ConfigureConsumer?.Invoke(consumerConfig);
        var producerConfig = RetryingConsumer.ProducerConfig(_options.BootstrapServers);
        _options.ConfigureProducer?.Invoke(producerConfig);
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        using var producer = new ProducerBuilder<string, string>(producerConfig).Build();

        // A one-off batch job: assign every partition rather than join the group and wait for a rebalance. The group
        // id is still used for committed offsets (Kafka accepts commits from a consumer outside the group's
        // generation as long as the group has no active members, as for kafka-consumer-groups --reset-offsets).
        var remaining = PartitionsToReplay(consumer);
        consumer.Assign(remaining.Keys);
        var limit = _options.MaxRecords ?? int.MaxValue;
        var replayed = 0;
        var batch = new List<(ConsumeResult<string, string> Source, Task<DeliveryResult<string, string>> Copy)>();
        try
        {
            while (remaining.Count > 0 && replayed + batch.Count < limit && !cancellationToken.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null)
                {
                    // Idle: flush what is pending, and drop partitions whose position reached the end (the records
                    // left before it were transaction markers or compacted away).
                    replayed += await CompleteAsync(consumer, batch).ConfigureAwait(false);
                    DropFinished(consumer, remaining);
                    continue;
                }
                if (!remaining.TryGetValue(result.TopicPartition, out var end) || result.Offset >= end) continue;
                if (result.Offset + 1 >= end) remaining.Remove(result.TopicPartition);
                batch.Add((result, producer.ProduceAsync(TargetOf(result), Copy(result))));
                if (batch.Count >= BatchSize) replayed += await CompleteAsync(consumer, batch).ConfigureAwait(false);
            }
        }
        finally
        {
            // Also on the way out of an error: what was acknowledged is committed, so a rerun does not repeat it.
            replayed += await CompleteAsync(consumer, batch).ConfigureAwait(false);
            consumer.Close();
        }
        _options.Log?.Invoke($"replayed {replayed} records from {_options.DeadLetterTopic}");
        return replayed;
    }, cancellationToken);

    /// <summary>Each partition of the topic with something to replay, and the end offset to replay up to (exclusive).</summary>
    private Dictionary<TopicPartition, long> PartitionsToReplay(IConsumer<string, string> consumer)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(_options.DeadLetterTopic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        var partitions = metadata.Partitions.Select(p => new TopicPartition(_options.DeadLetterTopic, p.PartitionId)).ToList();
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(c => c.TopicPartition, c => c.Offset);
        var remaining = new Dictionary<TopicPartition, long>();
        foreach (var partition in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
            var from = committed[partition] is { Value: >= 0 } offset ? offset.Value : marks.Low.Value;
            if (from < marks.High.Value) remaining[partition] = marks.High.Value;
        }
        return remaining;
    }

    private string TargetOf(ConsumeResult<string, string> result) =>
        _options.TargetTopic
        ?? RetryHeaders.GetString(result.Message.Headers, RetryHeaders.OriginalTopic)
        ?? throw new InvalidOperationException($"{result.TopicPartitionOffset} has no {RetryHeaders.OriginalTopic} header; name a target topic");

    /// <summary>The record as the producer first wrote it: same key, value and application headers.</summary>
    private static Message<string, string> Copy(ConsumeResult<string, string> result) => new()
    {
        Key = result.Message.Key,
        Value = result.Message.Value,
        Headers = RetryHeaders.WithoutRetryHeaders(result.Message.Headers),
    };

    /// <summary>Waits for the batch's acknowledgements, then commits past its records; returns how many it held.</summary>
    private static async Task<int> CompleteAsync(IConsumer<string, string> consumer,
        List<(ConsumeResult<string, string> Source, Task<DeliveryResult<string, string>> Copy)> batch)
    {
        if (batch.Count == 0) return 0;
        try
        {
            // The idempotent producer keeps the copies in order per partition; if one fails, nothing of the batch is
            // committed and a rerun sends it again.
            await Task.WhenAll(batch.Select(b => b.Copy)).ConfigureAwait(false);
            consumer.Commit(batch
                .GroupBy(b => b.Source.TopicPartition)
                .Select(g => new TopicPartitionOffset(g.Key, g.Max(b => b.Source.Offset.Value) + 1)));
            return batch.Count;
        }
        finally
        {
            batch.Clear();
        }
    }

    private static void DropFinished(IConsumer<string, string> consumer, Dictionary<TopicPartition, long> remaining)
    {
        foreach (var (partition, end) in remaining.ToList())
        {
            if (consumer.Position(partition) is { Value: >= 0 } position && position.Value >= end) remaining.Remove(partition);
        }
    }
}
