using Brook.Common;
using Brook.Coordination.Transactions.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination.Transactions;

/// <summary>EndTxn and the second phase of ending a transaction: markers, then CompleteCommit/CompleteAbort.</summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>What a background completion needs, captured under the lock when the Prepare* record became durable.</summary>
    private sealed record CompletionJob(TransactionMetadata Meta, long ProducerId, short ProducerEpoch, bool Commit,
        IReadOnlyList<(string Topic, int Partition)> Partitions, int CoordinatorEpoch);

    /// <summary>
    /// Commits or aborts the producer's ongoing transaction. Completes with NONE once PrepareCommit/PrepareAbort is durable
    /// — the decision is then final — and the markers are written in the background (requests for the id get
    /// CONCURRENT_TRANSACTIONS until they are). A retry after completion with the same outcome is answered NONE, one with
    /// the opposite outcome (or an EndTxn without a transaction) INVALID_TXN_STATE.
    /// </summary>
    public async ValueTask<ErrorCode> EndTxnAsync(EndTxnArgs args, CancellationToken cancellationToken = default)
    {
        var error = await EndTxnCoreAsync(args).ConfigureAwait(false);
        return MapFencing(error, args.FencedAsInvalidProducerEpoch);
    }

    private async ValueTask<ErrorCode> EndTxnCoreAsync(EndTxnArgs args)
    {
        if (string.IsNullOrEmpty(args.TransactionalId)) return ErrorCode.InvalidRequest;
        TransactionMetadata meta;
        TransactionLogValue target;
        Task<long> append;
        short lastEpoch;
        lock (_lock)
        {
            var error = ValidateProducer(args.TransactionalId, args.ProducerId, args.ProducerEpoch, out var found);
            if (error != ErrorCode.None) return error;
            meta = found!;
            if (meta.PendingState is not null) return ErrorCode.ConcurrentTransactions;
            switch (meta.State)
            {
                case TransactionState.Ongoing:
                    break;
                case TransactionState.CompleteCommit:
                    return args.Commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                case TransactionState.CompleteAbort:
                    return args.Commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionState.PrepareCommit:
                    return args.Commit ? ErrorCode.ConcurrentTransactions : ErrorCode.InvalidTxnState;
                case TransactionState.PrepareAbort:
                    return args.Commit ? ErrorCode.InvalidTxnState : ErrorCode.ConcurrentTransactions;
                default:
                    return ErrorCode.InvalidTxnState;
            }
            var prepare = args.Commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort;
            target = meta.Snapshot() with { State = prepare, LastUpdateTimestampMs = NowMs };
            lastEpoch = meta.LastProducerEpoch;
            append = BeginTransition(meta, target, prepare);
        }
        return await CompleteTransitionAsync(meta, append, target, lastEpoch).ConfigureAwait(false);
    }

    /// <summary>Captures a Prepare* transaction for completion. Under the lock.</summary>
    private CompletionJob CompletionJobFor(TransactionMetadata meta)
    {
        var partitions = meta.Partitions
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .Select(p => (p.Topic, p.Partition)).ToList();
        var coordinatorEpoch = _partitions.TryGetValue(meta.Partition, out var owned) ? owned.CoordinatorEpoch : 0;
        return new CompletionJob(meta, meta.ProducerId, meta.ProducerEpoch, meta.State == TransactionState.PrepareCommit, partitions, coordinatorEpoch);
    }

    private void StartCompletion(CompletionJob job) => Track(CompleteTransactionAsync(job));

    /// <summary>Whether the job's transaction is still this coordinator's and still waiting in its Prepare* state. Under the lock.</summary>
    private bool StillPreparing(CompletionJob job) =>
        !_disposed && IsCurrent(job.Meta) && job.Meta.ProducerId == job.ProducerId && job.Meta.ProducerEpoch == job.ProducerEpoch &&
        job.Meta.State == (job.Commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort);

    /// <summary>
    /// Writes the markers until every partition has one, tells the group coordinator about the __consumer_offsets
    /// partitions, then writes CompleteCommit/CompleteAbort (retried too). Gives up only when the transaction is no
    /// longer this coordinator's to finish (unloaded, shut down) or a partition reports a newer epoch.
    /// </summary>
    private async Task CompleteTransactionAsync(CompletionJob job)
    {
        var outcome = job.Commit ? "commit" : "abort";
        var remaining = job.Partitions;
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (!StillPreparing(job)) return;
                }

                if (remaining.Count > 0)
                {
                    var (retry, fenced) = await WriteMarkersOnceAsync(job, remaining).ConfigureAwait(false);
                    if (fenced)
                    {
                        _logger.LogError("Markers ({Outcome}) of transactional id {TransactionalId} were rejected as fenced; a newer " +
                            "coordinator or producer epoch owns the transaction, so this coordinator stops completing it",
                            outcome, job.Meta.TransactionalId);
                        return;
                    }
                    remaining = retry;
                    if (remaining.Count > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(_options.RetryBackoffMs), _time, _shutdown.Token).ConfigureAwait(false);
                        continue;
                    }
                }

                TransactionLogValue target;
                Task<long> append;
                short lastEpoch;
                lock (_lock)
                {
                    if (!StillPreparing(job) || job.Meta.PendingState is not null) return;
                    target = job.Meta.Snapshot() with
                    {
                        State = job.Commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
                        Partitions = [],
                        LastUpdateTimestampMs = NowMs,
                    };
                    lastEpoch = job.Meta.LastProducerEpoch;
                    append = BeginTransition(job.Meta, target, target.State);
                }
                var error = await CompleteTransitionAsync(job.Meta, append, target, lastEpoch).ConfigureAwait(false);
                if (error == ErrorCode.None) return;
                // Still ours but the append failed: try again after a pause (the loop re-checks ownership).
                await Task.Delay(TimeSpan.FromMilliseconds(_options.RetryBackoffMs), _time, _shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Completing the {Outcome} of transactional id {TransactionalId} failed", outcome, job.Meta.TransactionalId);
        }
    }

    /// <summary>
    /// One round of markers: returns the partitions to retry, and whether a partition rejected the producer epoch or this
    /// coordinator's epoch. __consumer_offsets partitions whose marker landed are reported to the completion listener.
    /// </summary>
    private async Task<(IReadOnlyList<(string Topic, int Partition)> Retry, bool Fenced)> WriteMarkersOnceAsync(CompletionJob job,
        IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        IReadOnlyList<(string Topic, int Partition, ErrorCode Error)> results;
        try
        {
            results = await _markers.WriteMarkersAsync(job.ProducerId, job.ProducerEpoch, job.CoordinatorEpoch, job.Commit, partitions,
                _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Writing markers of transactional id {TransactionalId} failed; retrying", job.Meta.TransactionalId);
            return (partitions, false);
        }

        var errors = new Dictionary<(string, int), ErrorCode>(results.Count);
        foreach (var (topic, partition, error) in results) errors[(topic, partition)] = error;
        var retry = new List<(string Topic, int Partition)>();
        var offsetsDone = new List<int>();
        var fenced = false;
        foreach (var p in partitions)
        {
            // A partition the writer did not report on is retried.
            var error = errors.TryGetValue(p, out var e) ? e : ErrorCode.UnknownServerError;
            switch (error)
            {
                case ErrorCode.None or ErrorCode.UnsupportedForMessageFormat:
                    if (p.Topic == OffsetsTopicName) offsetsDone.Add(p.Partition);
                    break;
                case ErrorCode.InvalidProducerEpoch or ErrorCode.ProducerFenced or ErrorCode.TransactionCoordinatorFenced:
                    fenced = true;
                    break;
                default:
                    retry.Add(p);
                    break;
            }
        }
        if (retry.Count > 0)
            _logger.LogDebug("Markers of transactional id {TransactionalId} failed on {Count} partitions; retrying", job.Meta.TransactionalId, retry.Count);

        if (offsetsDone.Count > 0 && _completionListener is not null)
        {
            try
            {
                await _completionListener.OnTransactionCompletedAsync(job.ProducerId, job.ProducerEpoch, job.Commit, offsetsDone, _shutdown.Token)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_shutdown.IsCancellationRequested)
            {
                _logger.LogError(e, "Telling the group coordinator that transaction {TransactionalId} ended failed", job.Meta.TransactionalId);
            }
        }
        return (retry, fenced);
    }
}
