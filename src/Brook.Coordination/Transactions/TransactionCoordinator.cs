using Brook.Common;
using Brook.Coordination.Transactions.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Coordination.Transactions;

/// <summary>
/// The transaction coordinator for the __transaction_state partitions this broker leads.
/// <para>
/// Design, after Kafka's: a request is validated against in-memory state under one lock; a state change becomes a
/// __transaction_state record (key: transactional id, value: the whole new state) appended through
/// <see cref="ITransactionLog"/>; memory changes only once the append completed, through the same
/// <see cref="TransactionMetadata.Apply"/> that <see cref="Replay"/> uses, so a restarted broker rebuilds exactly what was
/// acknowledged. While a record is in flight the id has a pending state and concurrent requests get
/// CONCURRENT_TRANSACTIONS.
/// </para>
/// <para>
/// Ending a transaction is two-phase: EndTxn makes PrepareCommit/PrepareAbort durable and answers; the markers are then
/// written to every partition of the transaction through <see cref="ITransactionMarkerWriter"/> in the background,
/// retried until they land, and CompleteCommit/CompleteAbort is written last. A coordinator that loads a partition
/// finds unfinished transactions in Prepare* and finishes them the same way.
/// </para>
/// <para>Timed-out transactions and idle transactional ids are swept by timers of the injected <see cref="TimeProvider"/>.</para>
/// </summary>
public sealed partial class TransactionCoordinator : IDisposable
{
    /// <summary>The internal topic this coordinator's state lives in.</summary>
    public const string TopicName = "__transaction_state";

    /// <summary>The topic whose partitions AddOffsetsToTxn adds (and whose markers complete transactional offset commits).</summary>
    public const string OffsetsTopicName = "__consumer_offsets";

    private readonly TransactionCoordinatorOptions _options;
    private readonly ITransactionLog _log;
    private readonly IProducerIdSource _producerIds;
    private readonly ITransactionMarkerWriter _markers;
    private readonly ITransactionCompletionListener? _completionListener;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Guards every transaction, the partition table and the in-flight task set.</summary>
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TransactionMetadata> _transactions = new(StringComparer.Ordinal);

    /// <summary>Partitions this coordinator owns, with the leader epoch they were loaded at. Absent: not ours.</summary>
    private readonly Dictionary<int, OwnedPartition> _partitions = [];

    /// <summary>Background work (marker sending, sweeps) still running; tests and shutdown wait on it.</summary>
    private readonly HashSet<Task> _inFlight = [];

    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer _abortTimer;
    private readonly ITimer _expireTimer;
    private bool _disposed;

    private readonly record struct OwnedPartition(int CoordinatorEpoch, bool Loaded);

    public TransactionCoordinator(TransactionCoordinatorOptions options, ITransactionLog log, IProducerIdSource producerIds,
        ITransactionMarkerWriter markers, ITransactionCompletionListener? completionListener = null, TimeProvider? time = null,
        ILogger<TransactionCoordinator>? logger = null)
    {
        if (options.TransactionStateLogPartitions <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "TransactionStateLogPartitions must be positive");
        if (options.OffsetsTopicPartitions <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "OffsetsTopicPartitions must be positive");
        _options = options;
        _log = log;
        _producerIds = producerIds;
        _markers = markers;
        _completionListener = completionListener;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var abortEvery = TimeSpan.FromMilliseconds(Math.Max(1, options.AbortTimedOutTransactionsIntervalMs));
        var expireEvery = TimeSpan.FromMilliseconds(Math.Max(1, options.RemoveExpiredTransactionalIdsIntervalMs));
        _abortTimer = _time.CreateTimer(_ => AbortTimedOutTransactions(), null, abortEvery, abortEvery);
        _expireTimer = _time.CreateTimer(_ => ExpireTransactionalIds(), null, expireEvery, expireEvery);
    }

    public TransactionCoordinatorOptions Options => _options;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The __transaction_state partition of <paramref name="transactionalId"/>: <c>abs(javaHashCode) % partitions</c>,
    /// Kafka's mapping (FindCoordinator with key type TRANSACTION answers with this partition's leader).
    /// </summary>
    public int PartitionFor(string transactionalId) => GroupPartitioner.PartitionFor(transactionalId, _options.TransactionStateLogPartitions);

    /// <summary>
    /// Whether this broker leads a __transaction_state partition that it has not claimed yet (set by the host, from the
    /// metadata image): its load is about to start, so its transactional ids get COORDINATOR_LOAD_IN_PROGRESS, as during the load,
    /// rather than NOT_COORDINATOR: FindCoordinator already names this broker, and the
    /// client should wait and retry here, not look for another coordinator. Called under the coordinator's lock.
    /// </summary>
    public Func<int, bool>? IsAboutToLoad { get; set; }

    /// <summary>NOT_COORDINATOR unless this coordinator owns the id's partition, COORDINATOR_LOAD_IN_PROGRESS while it loads (or is about to).</summary>
    private ErrorCode CoordinatorError(string transactionalId, out int partition)
    {
        partition = PartitionFor(transactionalId);
        if (_disposed) return ErrorCode.NotCoordinator;
        if (!_partitions.TryGetValue(partition, out var owned))
            return IsAboutToLoad?.Invoke(partition) == true ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.NotCoordinator;
        return owned.Loaded ? ErrorCode.None : ErrorCode.CoordinatorLoadInProgress;
    }

    /// <summary>Whether <paramref name="meta"/> is still the live object for its id (not unloaded, reloaded or expired since).</summary>
    private bool IsCurrent(TransactionMetadata meta) =>
        _transactions.TryGetValue(meta.TransactionalId, out var current) && ReferenceEquals(current, meta);

    private static ErrorCode MapFencing(ErrorCode error, bool fencedAsInvalidProducerEpoch) =>
        error == ErrorCode.ProducerFenced && fencedAsInvalidProducerEpoch ? ErrorCode.InvalidProducerEpoch : error;

    /// <summary>
    /// Starts writing a transition under the lock (so its place in the log follows the decision order): marks the id
    /// pending and appends its record (a null value is the id's tombstone). A synchronous failure becomes a faulted task.
    /// </summary>
    private Task<long> BeginTransition(TransactionMetadata meta, TransactionLogValue? target, TransactionState pendingState)
    {
        meta.PendingState = pendingState;
        try
        {
            return _log.AppendAsync(meta.Partition, [(TransactionLogKey.Encode(meta.TransactionalId), target?.Encode())], _shutdown.Token).AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException<long>(e);
        }
    }

    /// <summary>
    /// Waits for a transition's record and applies it (or, for a tombstone, forgets the id). A failed append leaves the
    /// state as it was, clears the pending state and is translated as Kafka does. When the applied state is
    /// PrepareCommit/PrepareAbort, writing the markers starts.
    /// </summary>
    private async Task<ErrorCode> CompleteTransitionAsync(TransactionMetadata meta, Task<long> append, TransactionLogValue? target,
        short lastProducerEpoch, bool epochFence = false)
    {
        Exception? failure = null;
        try
        {
            await append.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        CompletionJob? job = null;
        lock (_lock)
        {
            // Unloaded (or reloaded) meanwhile: the record is in the log, and whoever loads the partition sees it.
            if (!IsCurrent(meta)) return ErrorCode.NotCoordinator;
            meta.PendingState = null;
            if (failure is not null)
            {
                if (epochFence) meta.HasFailedEpochFence = true;
                var error = AppendError(failure);
                _logger.LogWarning(failure, "Writing the {State} record of transactional id {TransactionalId} failed ({Error})",
                    target?.State.Name() ?? "tombstone", meta.TransactionalId, error);
                return error;
            }
            if (target is null)
            {
                _transactions.Remove(meta.TransactionalId);
                _logger.LogInformation("Expired transactional id {TransactionalId}", meta.TransactionalId);
                return ErrorCode.None;
            }
            meta.Apply(target);
            meta.LastProducerEpoch = lastProducerEpoch;
            meta.HasFailedEpochFence = false;
            if (target.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort) job = CompletionJobFor(meta);
        }
        if (job is not null) StartCompletion(job);
        return ErrorCode.None;
    }

    /// <summary>Kafka's translation of a failed __transaction_state append into what the client should do next.</summary>
    private static ErrorCode AppendError(Exception e)
    {
        var code = e is KafkaException k ? k.Code : ErrorCode.UnknownServerError;
        return code switch
        {
            ErrorCode.UnknownTopicOrPartition or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend
                or ErrorCode.RequestTimedOut => ErrorCode.CoordinatorNotAvailable,
            ErrorCode.NotLeaderOrFollower or ErrorCode.KafkaStorageError => ErrorCode.NotCoordinator,
            // A host that already speaks in coordinator terms is taken at its word.
            ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress => code,
            _ => ErrorCode.UnknownServerError,
        };
    }

    /// <summary>Runs <paramref name="task"/> in the background, remembered until it ends so that <see cref="DrainAsync"/> can wait.</summary>
    private void Track(Task task)
    {
        if (task.IsCompleted) return;
        lock (_lock) _inFlight.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_lock) _inFlight.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when the background work running now (marker sending, sweeps) has ended.</summary>
    internal Task DrainAsync()
    {
        Task[] tasks;
        lock (_lock) tasks = [.. _inFlight];
        return Task.WhenAll(tasks);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _transactions.Clear();
            _partitions.Clear();
        }
        _shutdown.Cancel();
        _abortTimer.Dispose();
        _expireTimer.Dispose();
    }
}
