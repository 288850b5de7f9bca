using Brook.Common;
using Brook.Coordination.Transactions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Coordination.Tests.Transactions;

/// <summary>A transaction coordinator over in-memory peers and a fake clock, with shortcuts for the producer's requests.</summary>
public sealed class TransactionHarness : IDisposable
{
    public const int Partitions = 5;

    public static readonly TransactionCoordinatorOptions DefaultOptions = new()
    {
        TransactionStateLogPartitions = Partitions,
        OffsetsTopicPartitions = 7,
        TransactionMaxTimeoutMs = 60_000,
        AbortTimedOutTransactionsIntervalMs = 10_000,
        TransactionalIdExpirationMs = 24 * 3600_000L,
        RemoveExpiredTransactionalIdsIntervalMs = 3600_000,
        RetryBackoffMs = 100,
    };

    public List<string> Events { get; } = [];
    public FakeTimeProvider Time { get; }
    public MemoryTransactionLog Log { get; }
    public RecordingMarkerWriter Markers { get; }
    public RecordingCompletionListener Listener { get; } = new();
    public TransactionCoordinator Coordinator { get; }

    public TransactionHarness(TransactionCoordinatorOptions? options = null, FakeTimeProvider? time = null, bool load = true, int coordinatorEpoch = 0)
    {
        Time = time ?? new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Log = new MemoryTransactionLog(Events);
        Markers = new RecordingMarkerWriter(Events);
        Coordinator = new TransactionCoordinator(options ?? DefaultOptions, Log, new CountingProducerIds(), Markers, Listener, Time);
        if (!load) return;
        for (var p = 0; p < Partitions; p++)
        {
            Coordinator.BeginLoading(p, coordinatorEpoch);
            Coordinator.CompleteLoading(p);
        }
    }

    /// <summary>Loads every partition of <paramref name="source"/>'s log into a fresh coordinator, as the host does at start-up.</summary>
    public static TransactionHarness Reload(TransactionHarness source, Action<TransactionHarness>? beforeLoad = null, int coordinatorEpoch = 1)
    {
        var fresh = new TransactionHarness(time: source.Time, load: false);
        beforeLoad?.Invoke(fresh);
        for (var p = 0; p < Partitions; p++)
        {
            fresh.Coordinator.BeginLoading(p, coordinatorEpoch);
            foreach (var (key, value) in source.Log.Records(p))
                fresh.Coordinator.Replay(p, key, value, isTombstone: value is null);
            fresh.Coordinator.CompleteLoading(p);
        }
        return fresh;
    }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<InitProducerIdResult> Init(string? id, int timeoutMs = 30_000, long expectedId = -1, short expectedEpoch = -1)
        => await Coordinator.InitProducerIdAsync(new InitProducerIdArgs(id, timeoutMs, expectedId, expectedEpoch));

    public async Task<ErrorCode> Add(string id, InitProducerIdResult producer, params (string Topic, int Partition)[] partitions)
        => await Coordinator.AddPartitionsToTxnAsync(new AddPartitionsToTxnArgs(id, producer.ProducerId, producer.ProducerEpoch,
            partitions.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList()));

    public async Task<ErrorCode> End(string id, InitProducerIdResult producer, bool commit)
        => await Coordinator.EndTxnAsync(new EndTxnArgs(id, producer.ProducerId, producer.ProducerEpoch, commit));

    public DescribedTransaction Describe(string id) => Coordinator.DescribeTransactions([id])[0];

    /// <summary>Moves the clock and waits for whatever background work that set off.</summary>
    public async Task Advance(TimeSpan by)
    {
        Time.Advance(by);
        await Coordinator.DrainAsync();
    }

    public void Dispose() => Coordinator.Dispose();
}
