using Brook.Common;
using Brook.Coordination.Transactions.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination.Transactions;

/// <summary>
/// Taking over and giving up __transaction_state partitions, as Kafka's TransactionStateManager does
/// (loadTransactionsForTxnTopicPartition / removeTransactionsForTxnTopicPartition). The host, on becoming leader of
/// partition p in leader epoch e, calls <see cref="BeginLoading"/>(p, e), feeds every record of p in offset order to
/// <see cref="Replay"/>, then calls <see cref="CompleteLoading"/>(p, e); on losing leadership it calls
/// <see cref="Unload"/>(p, its new epoch). A load that an unload or a newer claim overtook is discarded; an election or
/// resignation older than the epoch the partition is owned at is ignored.
/// </summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// Claims a partition: its ids answer COORDINATOR_LOAD_IN_PROGRESS until <see cref="CompleteLoading"/>, and what an
    /// earlier claim left of it is dropped. <paramref name="coordinatorEpoch"/> is the partition's leader epoch; markers
    /// carry it so that partitions can tell a stale coordinator's markers from the current one's. Refused (false,
    /// nothing changes) while the partition is owned at a newer epoch.
    /// </summary>
    public bool BeginLoading(int partition, int coordinatorEpoch = 0)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_partitions.TryGetValue(partition, out var owned) && owned.CoordinatorEpoch > coordinatorEpoch)
            {
                _logger.LogInformation("Not loading __transaction_state partition {Partition} at epoch {Epoch}: it is owned at epoch {Current}",
                    partition, coordinatorEpoch, owned.CoordinatorEpoch);
                return false;
            }
            RemoveTransactionsOf(partition);
            _partitions[partition] = new OwnedPartition(coordinatorEpoch, Loaded: false);
        }
        return true;
    }

    /// <summary>
    /// Applies one record of a loading partition: later records of an id replace earlier ones and a tombstone
    /// (<paramref name="isTombstone"/>, value ignored) removes it, giving the compacted view of the log. Keys of an
    /// unknown version are skipped; a corrupt record throws <see cref="KafkaException"/> (CORRUPT_MESSAGE).
    /// </summary>
    public void Replay(int partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone = false)
    {
        var transactionalId = TransactionLogKey.Decode(key);
        if (transactionalId is null)
        {
            _logger.LogWarning("Skipping a __transaction_state record of partition {Partition} with an unknown key version", partition);
            return;
        }
        // Decode outside the lock: it allocates and may throw on a corrupt record.
        var decoded = isTombstone ? null : TransactionLogValue.Decode(value);

        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var owned) || owned.Loaded)
                throw new InvalidOperationException($"__transaction_state partition {partition} is not loading");
            if (PartitionFor(transactionalId) != partition)
                _logger.LogWarning("Transactional id {TransactionalId} found in partition {Partition}, not where it hashes to " +
                    "(transaction.state.log.num.partitions changed?)", transactionalId, partition);

            // Dead is never written by Kafka; should a value say so anyway, it means the same as the tombstone.
            if (decoded is null || decoded.State == TransactionState.Dead)
            {
                _transactions.Remove(transactionalId);
                return;
            }
            // PrepareEpochFence is never written either; its transaction is still open, so treat it as Ongoing and let
            // the timeout abort it.
            if (decoded.State == TransactionState.PrepareEpochFence) decoded = decoded with { State = TransactionState.Ongoing };
            if (!_transactions.TryGetValue(transactionalId, out var meta) || meta.Partition != partition)
            {
                meta = new TransactionMetadata(transactionalId, partition);
                _transactions[transactionalId] = meta;
            }
            meta.Apply(decoded);
            meta.LastProducerEpoch = -1;
        }
    }

    /// <summary>
    /// Opens a loaded partition for requests, then finishes every transaction left in PrepareCommit/PrepareAbort by
    /// writing its markers again (markers are idempotent for the partitions) under this load's coordinator epoch, and
    /// recording its completion. Returns false, changing nothing, when the partition is not loading — or, given
    /// <paramref name="coordinatorEpoch"/>, not loading at that epoch: a load that an unload or a newer claim overtook
    /// is discarded.
    /// </summary>
    public bool CompleteLoading(int partition, int? coordinatorEpoch = null)
    {
        List<CompletionJob> pending = [];
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var owned) || owned.Loaded ||
                (coordinatorEpoch is { } epoch && owned.CoordinatorEpoch != epoch))
            {
                _logger.LogInformation("Discarding the load of __transaction_state partition {Partition} at epoch {Epoch}: it is no longer loading",
                    partition, coordinatorEpoch);
                return false;
            }
            _partitions[partition] = owned with { Loaded = true };
            var count = 0;
            foreach (var meta in _transactions.Values)
            {
                if (meta.Partition != partition) continue;
                count++;
                if (meta.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort) pending.Add(CompletionJobFor(meta));
            }
            _logger.LogInformation("Loaded __transaction_state partition {Partition} at epoch {Epoch}: {Count} transactional ids, {Pending} to complete",
                partition, owned.CoordinatorEpoch, count, pending.Count);
        }
        // Started after the partition counts as loaded, so that their completing records are not refused as loading.
        foreach (var job in pending) StartCompletion(job);
        return true;
    }

    /// <summary>
    /// Gives a partition up: its ids leave memory (so the timeout and expiration sweeps pass them by), transitions in
    /// flight end with NOT_COORDINATOR, marker sending for its transactions stops, and requests for its ids get
    /// NOT_COORDINATOR. <paramref name="coordinatorEpoch"/> is the leader epoch in which this broker stopped leading; an
    /// unload older than the epoch the partition is owned at is ignored. Without one (the topic was deleted, or shutdown)
    /// it always applies. True if the partition was owned and is now given up.
    /// </summary>
    public bool Unload(int partition, int? coordinatorEpoch = null)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var owned)) return false;
            if (coordinatorEpoch is { } epoch && epoch < owned.CoordinatorEpoch)
            {
                _logger.LogInformation("Not unloading __transaction_state partition {Partition} for epoch {Epoch}: it is owned at epoch {Current}",
                    partition, epoch, owned.CoordinatorEpoch);
                return false;
            }
            var count = RemoveTransactionsOf(partition);
            _partitions.Remove(partition);
            _logger.LogInformation("Unloaded __transaction_state partition {Partition} (epoch {Epoch}): {Count} transactional ids",
                partition, owned.CoordinatorEpoch, count);
        }
        return true;
    }

    /// <summary>The leader epoch <paramref name="partition"/> is owned (loading or loaded) at, the coordinator epoch its markers carry; null when not owned here.</summary>
    public int? CoordinatorEpochOf(int partition)
    {
        lock (_lock) return _partitions.TryGetValue(partition, out var owned) ? owned.CoordinatorEpoch : null;
    }

    /// <summary>Whether requests for ids of <paramref name="partition"/> are served here (loaded, not loading).</summary>
    public bool IsLoaded(int partition)
    {
        lock (_lock) return IsLoadedPartition(partition);
    }

    private int RemoveTransactionsOf(int partition)
    {
        var ids = _transactions.Values.Where(m => m.Partition == partition).Select(m => m.TransactionalId).ToList();
        foreach (var id in ids) _transactions.Remove(id);
        return ids.Count;
    }
}
