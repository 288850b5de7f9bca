using System.Collections.Concurrent;
using System.Text.Json;
using Confluent.Kafka;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// Turns the event log into state. At start-up it rebuilds the read model from the compacted state topic, then
/// consumes the event log in its consumer group from the committed offsets — so only events the state topic does not
/// reflect yet are read — and for each event publishes the account's new state to the state topic, updates the read
/// model once that is acknowledged, and only then lets the offset be committed.
/// </summary>
/// <remarks>
/// Delivery is at-least-once: after a crash between publishing a state and committing the event's offset, the event
/// comes again. The state carries the offset of the last event it includes, so the replay is recognised and skipped
/// (<see cref="ProjectionStatus.EventsSkipped"/>): applying an event twice would count a deposit twice.
/// </remarks>
public sealed class AccountProjector(BankAccountsOptions options, AccountReadModel readModel, ProjectionStatus status, ILogger<AccountProjector> logger)
    : BackgroundService
{
    // Per partition of the event log: the next offset to project. Read by other threads for catch-up checks.
    private readonly ConcurrentDictionary<int, long> _next = new();
    private readonly AsyncSignal _progress = new();

    /// <summary>
    /// Waits until every event appended so far (the event log's end offsets now) is in the read model; false after
    /// <paramref name="timeout"/>. The command side uses it when it cannot know whether its own append happened.
    /// </summary>
    public async Task<bool> WaitUntilCaughtUpAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ends = await Task.Run(() => KafkaRetry.Run(() => AccountTopics.EndOffsets(options, options.EventsTopic), timeout, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return await _progress.WaitUntilAsync(() => HasReached(ends), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            status.Enter(ProjectionPhase.PreparingTopics);
            await AccountTopics.EnsureCreatedAsync(options, stoppingToken);
            status.Enter(ProjectionPhase.RestoringState);
            var restored = await Task.Run(() => StateTopicRestorer.Restore(options, readModel, stoppingToken), stoppingToken);
            status.Restored(restored);
            logger.LogInformation("Rebuilt {Accounts} accounts from {Records} records of {Topic}", readModel.Count, restored, options.StateTopic);
            status.Enter(ProjectionPhase.CatchingUpEvents);
            // Consume blocks: a thread of its own rather than one of the pool's.
            await Task.Factory.StartNew(() => Project(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // An instance that cannot project must not serve: it reports Failed (503) until restarted.
            logger.LogError(e, "The projector stopped");
            status.Fail(e.Message);
        }
    }

    private void Project(CancellationToken stoppingToken)
    {
        using var snapshots = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "bank-accounts-projector",
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
        }).Build();
        using var consumer = new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ProjectorGroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest, // a new group starts from the first event ever
            // Offsets are stored by hand once an event's state is acknowledged, and committed in the background (and
            // at Close): committing never runs ahead of the state topic.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = 1000,
        }).Build();

        // Ready means: everything appended before start-up is in the read model. Where the group's committed offsets
        // already reach the end (the normal restart), that is true at once and no event is read again.
        var startEnds = KafkaRetry.Run(() => AccountTopics.EndOffsets(options, options.EventsTopic), TimeSpan.FromSeconds(30), stoppingToken);
        var committedOffsets = KafkaRetry.Run(() => consumer.Committed(startEnds.Keys, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(30), stoppingToken);
        foreach (var committed in committedOffsets)
            _next[committed.Partition.Value] = Math.Max(0, committed.Offset.Value); // Offset.Unset (-1001) for a new group
        consumer.Subscribe(options.EventsTopic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!status.IsReady && HasReached(startEnds))
                {
                    status.Enter(ProjectionPhase.Ready);
                    logger.LogInformation("Ready: {Projected} events projected, {Skipped} skipped while catching up", status.EventsProjected, status.EventsSkipped);
                }
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record) continue;
                Apply(record, snapshots);
                consumer.StoreOffset(record);
                _next[record.Partition.Value] = record.Offset.Value + 1;
                _progress.Pulse();
            }
        }
        finally
        {
            consumer.Close(); // commits the stored offsets and leaves the group, so a successor starts where this one stopped
        }
    }

    private void Apply(ConsumeResult<string?, string?> record, IProducer<string, string> snapshots)
    {
        if (record.Message is not { Key: { } accountId, Value: { } value })
        {
            // Stopping here would stop every account; a record that is no valid event is logged and passed over.
            logger.LogWarning("Skipping {TopicPartitionOffset}: an event needs a key and a value", record.TopicPartitionOffset);
            return;
        }
        var current = readModel.Find(accountId);
        if (current is not null && record.Offset.Value <= current.LastEventOffset)
        {
            status.Skipped(); // the state already includes it: a replay
            return;
        }
        AccountState next;
        try
        {
            next = AccountState.Apply(current, AccountJson.Deserialize<AccountEvent>(value), record.Offset.Value);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            logger.LogWarning("Skipping {TopicPartitionOffset}: {Reason}", record.TopicPartitionOffset, e.Message);
            return;
        }
        // Blocking on the acknowledgement keeps the order simple: state durable, then read model, then offset.
        snapshots.ProduceAsync(options.StateTopic, new Message<string, string> { Key = accountId, Value = AccountJson.Serialize(next) })
            .GetAwaiter().GetResult();
        readModel.Put(next);
        status.Projected();
    }

    private bool HasReached(Dictionary<TopicPartition, long> ends) => ends.All(e => _next.GetValueOrDefault(e.Key.Partition.Value) >= e.Value);
}
