using System.Diagnostics;
using System.Globalization;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests.Chaos;

/// <summary>Shape of a <see cref="QueueWorkload"/>.</summary>
public sealed record QueueWorkloadOptions
{
    public int Producers { get; init; } = 3;

    public int Consumers { get; init; } = 2;

    /// <summary>Keys cycle k0..k(N-1) per producer, so every partition gets writes from every producer.</summary>
    public int Keys { get; init; } = 16;

    /// <summary>Each producer sends this many values per tick of <see cref="Tick"/>.</summary>
    public int ValuesPerTick { get; init; } = 2;

    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Unanswered values per producer before it waits; bounds what a stuck cluster piles up.</summary>
    public int MaxInFlight { get; init; } = 200;
}

/// <summary>
/// A queue workload for a chaos run, recording into a <see cref="QueueHistory"/>: idempotent acks=all producers send
/// unique values ("p&lt;producer&gt;-&lt;sequence&gt;", keyed so all partitions get some) and note which were
/// acknowledged where; consumers in one group, read_committed, read and commit offsets and note every record they see
/// with their assignment session. After the faults: <see cref="StopProducingAsync"/>, <see cref="StopConsuming"/>, then
/// <see cref="FinalRead"/> from earliest to the high watermark.
/// </summary>
public sealed class QueueWorkload : IDisposable
{
    private readonly string _bootstrap;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly QueueHistory _history;
    private readonly QueueWorkloadOptions _options;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stopProducing = new();
    private readonly CancellationTokenSource _stopConsuming = new();
    private readonly List<Task> _producers = [];
    private readonly List<Thread> _consumers = [];
    private readonly List<IProducer<byte[]?, byte[]?>> _producerClients = [];
    private int _disposed;

    /// <param name="log">Where noteworthy client events go (thread-safe; the test's output).</param>
    public QueueWorkload(string bootstrap, string topic, int partitions, QueueHistory history, QueueWorkloadOptions? options,
        Action<string> log)
    {
        _bootstrap = bootstrap;
        _topic = topic;
        _partitions = partitions;
        _history = history;
        _options = options ?? new QueueWorkloadOptions();
        _log = log;
        GroupId = $"chaos-{Guid.NewGuid():N}";
    }

    public string GroupId { get; }

    public void Start()
    {
        for (var i = 0; i < _options.Consumers; i++)
        {
            var name = $"c{i}";
            var thread = new Thread(() => ConsumeLoop(name)) { IsBackground = true, Name = "chaos consumer " + name };
            _consumers.Add(thread);
            thread.Start();
        }
        for (var i = 0; i < _options.Producers; i++)
        {
            var index = i;
            _producers.Add(Task.Run(() => ProduceLoopAsync(index)));
        }
    }

    /// <summary>
    /// Stops sending and waits (up to <paramref name="flushTimeout"/>) for every value sent to be answered; returns how
    /// many were still unanswered (those stay indeterminate: attempted, neither acknowledged nor failed).
    /// </summary>
    public async Task<int> StopProducingAsync(TimeSpan flushTimeout)
    {
        _stopProducing.Cancel();
        await Task.WhenAll(_producers).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var unanswered = 0;
        foreach (var producer in _producerClients)
        {
            var left = flushTimeout - clock.Elapsed;
            unanswered += producer.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        return unanswered;
    }

    /// <summary>Stops the group's consumers (each commits and leaves the group).</summary>
    public void StopConsuming(TimeSpan timeout)
    {
        _stopConsuming.Cancel();
        foreach (var thread in _consumers)
        {
            if (!thread.Join(timeout)) _log($"consumer thread {thread.Name} did not stop within {timeout.TotalSeconds:0}s");
        }
    }

    /// <summary>
    /// Reads every partition from earliest up to its high watermark with a fresh read_committed consumer (manual
    /// assignment, no group) into <see cref="QueueHistory.FinalRead"/>. Throws if it cannot get there in time: after
    /// healing, a cluster that cannot serve its whole log is hung.
    /// </summary>
    public void FinalRead(TimeSpan timeout)
    {
        var config = KafkaTestClient.ConsumerConfig(_bootstrap);
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        var clock = Stopwatch.StartNew();
        var high = new Dictionary<int, long>();
        foreach (var tp in KafkaTestClient.Partitions(_topic, _partitions))
        {
            while (true)
            {
                try
                {
                    high[tp.Partition.Value] = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
                    break;
                }
                catch (KafkaException e) when (clock.Elapsed < timeout)
                {
                    _log($"final read: watermarks of {tp}: {e.Error}; retrying");
                    Thread.Sleep(500);
                }
            }
        }
        _log($"final read: high watermarks {string.Join(", ", high.OrderBy(h => h.Key).Select(h => $"{h.Key}:{h.Value}"))}");

        var next = high.Keys.ToDictionary(p => p, _ => 0L);
        consumer.Assign(KafkaTestClient.Partitions(_topic, _partitions).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        while (next.Any(n => n.Value < high[n.Key]))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"the final read did not reach the high watermarks within {timeout.TotalSeconds:0}s: " +
                    string.Join(", ", next.OrderBy(n => n.Key).Select(n => $"partition {n.Key} at {n.Value} of {high[n.Key]}")));
            }
            ConsumeResult<byte[]?, byte[]?>? r;
            try
            {
                r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            }
            catch (ConsumeException e)
            {
                _log($"final read: {e.Error}");
                continue;
            }
            if (r is null) continue;
            var partition = r.Partition.Value;
            if (r.IsPartitionEOF)
            {
                next[partition] = Math.Max(next[partition], r.Offset.Value);
                continue;
            }
            _history.ObserveFinal(partition, r.Offset.Value, Decode(r.Message.Value));
            next[partition] = Math.Max(next[partition], r.Offset.Value + 1);
        }
        consumer.Close();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopProducing.Cancel();
        _stopConsuming.Cancel();
        foreach (var thread in _consumers) thread.Join(TimeSpan.FromSeconds(30));
        foreach (var producer in _producerClients) producer.Dispose();
        _stopProducing.Dispose();
        _stopConsuming.Dispose();
    }

    private async Task ProduceLoopAsync(int index)
    {
        var config = KafkaTestClient.ProducerConfig(_bootstrap);
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        // Long enough to ride out any single fault of the schedule (at most 12 s, plus fencing and election): a value
        // that times out is only indeterminate, and the fewer there are, the more the checker can say.
        config.MessageTimeoutMs = 60_000;
        config.RequestTimeoutMs = 10_000;
        var name = $"p{index}";
        var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal) _history.Fatal($"producer {name}: {e}");
            })
            .Build();
        lock (_producerClients) _producerClients.Add(producer);
        // Not disposed: delivery reports may still release it after this loop ends (a SemaphoreSlim without a wait
        // handle holds nothing that needs disposing).
        var inFlight = new SemaphoreSlim(_options.MaxInFlight);
        var sequence = 0L;
        try
        {
            while (!_stopProducing.IsCancellationRequested)
            {
                for (var i = 0; i < _options.ValuesPerTick; i++)
                {
                    await inFlight.WaitAsync(_stopProducing.Token).ConfigureAwait(false);
                    var value = string.Create(CultureInfo.InvariantCulture, $"{name}-{sequence}");
                    var key = string.Create(CultureInfo.InvariantCulture, $"k{sequence % _options.Keys}");
                    sequence++;
                    _history.Attempt(value);
                    try
                    {
                        producer.Produce(_topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) },
                            report =>
                            {
                                if (report.Error.IsError) _history.Fail(value, report.Error.ToString());
                                else _history.Ack(value, report.Partition.Value, report.Offset.Value);
                                inFlight.Release();
                            });
                    }
                    catch (ProduceException<byte[]?, byte[]?> e)
                    {
                        _history.Fail(value, e.Error.ToString());
                        inFlight.Release();
                        if (e.Error.IsFatal) return;
                    }
                }
                await Task.Delay(_options.Tick, _stopProducing.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped; StopProducingAsync waits for what is in flight
        }
    }

    private void ConsumeLoop(string name)
    {
        var config = KafkaTestClient.ConsumerConfig(_bootstrap);
        config.GroupId = GroupId;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = true; // Commit() commits what Consume returned
        config.SessionTimeoutMs = 10_000;
        config.HeartbeatIntervalMs = 1_000;
        var session = 0;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, assigned) =>
            {
                session++;
                _log($"consumer {name} session {session}: assigned {string.Join(",", assigned.Select(tp => tp.Partition.Value))}");
            })
            .SetPartitionsRevokedHandler((_, _) => session++)
            .SetPartitionsLostHandler((_, _) => session++)
            .SetErrorHandler((_, e) =>
            {
                if (e.IsFatal) _history.Fatal($"consumer {name}: {e}");
            })
            .Build();
        consumer.Subscribe(_topic);
        var sinceCommit = Stopwatch.StartNew();
        while (!_stopConsuming.IsCancellationRequested)
        {
            try
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is { IsPartitionEOF: false })
                    _history.Observe(new Observation(name, session, r.Partition.Value, r.Offset.Value, Decode(r.Message.Value)));
            }
            catch (ConsumeException e)
            {
                _log($"consumer {name}: {e.Error}");
                if (e.Error.IsFatal) _history.Fatal($"consumer {name}: {e.Error}");
            }
            if (sinceCommit.Elapsed > TimeSpan.FromMilliseconds(500))
            {
                sinceCommit.Restart();
                Commit(consumer, name);
            }
        }
        Commit(consumer, name);
        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            _log($"consumer {name}: close: {e.Error}");
        }
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, string name)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // nothing consumed since the last commit
        }
        catch (KafkaException e)
        {
            // Commits fail while the coordinator moves or the group rebalances; the next one carries the same offsets.
            _log($"consumer {name}: commit: {e.Error}");
        }
    }

    private static string Decode(byte[]? value) => value is null ? "<null>" : Encoding.UTF8.GetString(value);
}
