using Brook.Coordination.Transactions.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination.Transactions;

/// <summary>
/// The periodic sweeps: aborting transactions older than their timeout (transaction.abort.timed.out.transaction
/// .cleanup.interval.ms) and removing idle transactional ids (transaction.remove.expired.transaction.cleanup.interval.ms).
/// </summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// Aborts every Ongoing transaction whose timeout has passed since it started. The epoch is bumped as part of it
    /// (PrepareEpochFence, as Kafka calls it): the producer that let the transaction time out is a zombie and must not
    /// append or commit anything more under its old epoch.
    /// </summary>
    internal void AbortTimedOutTransactions()
    {
        var started = new List<(TransactionMetadata Meta, Task<long> Append, TransactionLogValue Target)>();
        lock (_lock)
        {
            if (_disposed) return;
            var now = NowMs;
            foreach (var meta in _transactions.Values)
            {
                if (meta.State != TransactionState.Ongoing || meta.PendingState is not null || !IsLoadedPartition(meta.Partition)) continue;
                if (meta.StartTimestampMs + meta.TimeoutMs >= now) continue;
                _logger.LogInformation("Transaction of {TransactionalId} exceeded its timeout of {TimeoutMs} ms", meta.TransactionalId, meta.TimeoutMs);
                var (append, target) = BeginFenceAndAbort(meta, now);
                started.Add((meta, append, target));
            }
        }
        foreach (var (meta, append, target) in started)
            Track(CompleteTransitionAsync(meta, append, target, lastProducerEpoch: -1, epochFence: true));
    }

    /// <summary>
    /// Removes transactional ids with no transaction open (Empty, CompleteCommit, CompleteAbort) whose last update is
    /// transactional.id.expiration.ms old: a tombstone per id, one batch per partition; the id leaves memory once its
    /// tombstone is durable. An id that comes back later starts over with a new producer id.
    /// </summary>
    internal void ExpireTransactionalIds()
    {
        var started = new List<(TransactionMetadata Meta, Task<long> Append)>();
        lock (_lock)
        {
            if (_disposed) return;
            var cutoff = NowMs - _options.TransactionalIdExpirationMs;
            var expired = _transactions.Values
                .Where(m => m.PendingState is null && IsLoadedPartition(m.Partition) && m.LastUpdateTimestampMs <= cutoff &&
                    m.State is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort)
                .GroupBy(m => m.Partition);
            foreach (var partition in expired)
            {
                var metas = partition.ToList();
                var records = new List<(byte[] Key, byte[]? Value)>(metas.Count);
                foreach (var meta in metas)
                {
                    meta.PendingState = TransactionState.Dead;
                    records.Add((TransactionLogKey.Encode(meta.TransactionalId), null));
                }
                Task<long> append;
                try
                {
                    append = _log.AppendAsync(partition.Key, records, _shutdown.Token).AsTask();
                }
                catch (Exception e)
                {
                    append = Task.FromException<long>(e);
                }
                foreach (var meta in metas) started.Add((meta, append));
            }
        }
        foreach (var (meta, append) in started)
            Track(CompleteTransitionAsync(meta, append, target: null, lastProducerEpoch: -1));
    }

    private bool IsLoadedPartition(int partition) => _partitions.TryGetValue(partition, out var owned) && owned.Loaded;
}
