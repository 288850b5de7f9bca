using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>
/// One level of a <see cref="RetryingConsumer"/>: consumes the main topic (level 0) or one retry topic in its own
/// consumer group, hands each due record to the handler, forwards failures, and commits each record only once it is
/// dealt with. Runs on a dedicated thread: Consume blocks.
/// </summary>
internal sealed class RetryStage(
    int level,
    RetryOptions options,
    IProducer<string, string> producer,
    Func<ConsumeResult<string, string>, CancellationToken, Task> handler)
{
    /// <summary>Longest single poll: bounds how late cancellation is noticed.</summary>
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(500);

    private readonly string _topic = options.Topology.TopicAt(level);
    private readonly FailureRouter _router = new(options);

    /// <summary>
    /// Partitions paused behind a record that is not due yet, with that record and its retry-not-before (unix ms).
    /// Touched only by the stage's thread and its rebalance callbacks, which run inside Consume on that thread.
    /// </summary>
    private readonly Dictionary<TopicPartition, (ConsumeResult<string, string> Record, long NotBefore)> _parked = [];

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then leaves the group.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupIdAt(level),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Offsets are committed by hand, after the handler succeeded or the record was safely forwarded.
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        };
        options.ConfigureConsumer?.Invoke(config);
        using var consumer = new ConsumerBuilder<string, string>(config)
            .SetErrorHandler((_, error) => options.Log?.Invoke($"{_topic}: consumer error {error.Code}: {error.Reason}"))
            .SetPartitionsRevokedHandler((c, revoked) => Forget(c, revoked.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((c, lost) => Forget(c, lost.Select(p => p.TopicPartition)))
            .Build();
        consumer.Subscribe(_topic);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ProcessDueParked(consumer, cancellationToken);
                var result = consumer.Consume(NextPollTimeout());
                // A record already fetched for a partition parked since: ignore it, the seek on unparking brings it back.
                if (result is null || _parked.ContainsKey(result.TopicPartition)) continue;
                if (level > 0 && WaitFor(result) is { } notBefore)
                {
                    Park(consumer, result, notBefore);
                    continue;
                }
                Process(consumer, result, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The handler gave up on shutdown: its record stays uncommitted and is redelivered on the next start.
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>The record's retry-not-before if it is still in the future; null when it is due.</summary>
    private static long? WaitFor(ConsumeResult<string, string> result)
    {
        // A retry record without the header (written by something else) is simply due.
        var notBefore = RetryHeaders.GetLong(result.Message.Headers, RetryHeaders.NotBefore);
        return notBefore > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() ? notBefore : null;
    }

    /// <summary>
    /// Holds a record that is not due yet and pauses its partition until it is. Only this partition waits (the others
    /// of the topic carry on), and nothing behind the record overtakes it. Polling continues meanwhile, so the
    /// consumer stays in its group however long the backoff (max.poll.interval.ms counts from the last poll, not the
    /// last record). The record is held rather than re-fetched on resume: librdkafka picks a resumed partition up at
    /// its next fetch, up to a second later, and the record would be that late.
    /// </summary>
    private void Park(IConsumer<string, string> consumer, ConsumeResult<string, string> result, long notBefore)
    {
        consumer.Pause([result.TopicPartition]);
        _parked[result.TopicPartition] = (result, notBefore);
    }

    /// <summary>Handles each held record whose time has come, then lets its partition flow again from the record after it.</summary>
    private void ProcessDueParked(IConsumer<string, string> consumer, CancellationToken cancellationToken)
    {
        if (_parked.Count == 0) return;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (partition, (record, _)) in _parked.Where(p => p.Value.NotBefore <= now).OrderBy(p => p.Value.NotBefore).ToList())
        {
            _parked.Remove(partition);
            Process(consumer, record, cancellationToken);
            // Explicitly from the next record: whatever the paused fetcher had buffered was dropped.
            consumer.Seek(new TopicPartitionOffset(partition, record.Offset + 1));
            consumer.Resume([partition]);
        }
    }

    /// <summary>Until the next held record is due, at most <see cref="MaxPoll"/>: the poll is the wait, so nothing spins.</summary>
    private TimeSpan NextPollTimeout()
    {
        if (_parked.Count == 0) return MaxPoll;
        var wait = TimeSpan.FromMilliseconds(_parked.Values.Min(p => p.NotBefore) - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return wait > MaxPoll ? MaxPoll : wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
    }

    /// <summary>
    /// Partitions leaving this consumer: drop their held records, uncommitted, and resume them. Their next owner (or
    /// this consumer again after the rebalance) starts from the committed offset, which is still the held record's.
    /// </summary>
    private void Forget(IConsumer<string, string> consumer, IEnumerable<TopicPartition> partitions)
    {
        var parked = partitions.Where(_parked.ContainsKey).ToList();
        if (parked.Count == 0) return;
        consumer.Resume(parked);
        foreach (var partition in parked) _parked.Remove(partition);
    }

    private void Process(IConsumer<string, string> consumer, ConsumeResult<string, string> result, CancellationToken cancellationToken)
    {
        try
        {
            // Sync over async is fine here: this is a dedicated thread with no synchronization context.
            handler(result, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            Forward(result, error);
        }
        Commit(consumer, result);
    }

    /// <summary>
    /// Writes the failed record to the next retry topic or the dead-letter topic and waits for the acknowledgement
    /// (acks=all) before the caller commits: a crash in between redelivers the record, it never loses it. A produce
    /// that fails for good throws and stops the consumer rather than committing a record that is nowhere else.
    /// </summary>
    private void Forward(ConsumeResult<string, string> result, Exception error)
    {
        var forwarded = _router.Route(result, level, error, DateTimeOffset.UtcNow);
        // No cancellation token: once started, the forward is waited for, so the commit that follows is never skipped
        // for a record that did reach the next topic.
        var delivery = producer.ProduceAsync(forwarded.Topic, forwarded.Message).GetAwaiter().GetResult();
        options.Log?.Invoke(forwarded.IsDeadLetter
            ? $"{result.TopicPartitionOffset}: {error.GetType().Name} ({error.Message}); dead-lettered to {delivery.TopicPartitionOffset}"
            : $"{result.TopicPartitionOffset}: {error.GetType().Name} ({error.Message}); retry {level + 1} in {options.DelayBefore(level + 1).TotalMilliseconds:0} ms from {delivery.TopicPartitionOffset}");
    }

    private void Commit(IConsumer<string, string> consumer, ConsumeResult<string, string> result)
    {
        try
        {
            consumer.Commit(result);
        }
        catch (KafkaException e)
        {
            // Typically a rebalance took the partition away: its new owner starts from the last committed offset and
            // handles this record again. At-least-once: the handler must be idempotent.
            options.Log?.Invoke($"{result.TopicPartitionOffset}: commit failed ({e.Error.Reason}); the record may be delivered again");
        }
    }
}
