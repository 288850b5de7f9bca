using Brook.Common;
using Brook.Coordination.Transactions.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Coordination.Transactions;

/// <summary>InitProducerId: producer ids, epoch bumps, fencing and KIP-360 recovery.</summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>What <see cref="DecideInit"/> concluded under the lock.</summary>
    private enum InitStep
    {
        /// <summary>The answer is known (an error, usually).</summary>
        Answer,

        /// <summary>A fresh producer id is needed first; allocate it outside the lock and decide again.</summary>
        AllocateProducerId,

        /// <summary>An Empty record with the new id/epoch is being appended; answer with it once durable.</summary>
        Bump,

        /// <summary>An ongoing transaction is being aborted under a bumped epoch; answer CONCURRENT_TRANSACTIONS.</summary>
        FenceAndAbort,
    }

    /// <summary>
    /// Gives a producer its id and epoch. A new transactional id gets a fresh producer id with epoch 0; a known one gets
    /// its epoch bumped, which fences any older instance of the producer. An ongoing transaction of the id is aborted
    /// first (under a bumped epoch, so the old producer cannot slip more writes in) and the caller is answered
    /// CONCURRENT_TRANSACTIONS, to retry once the abort completed — Kafka's behaviour. When the epochs of a producer id
    /// run out, a new producer id is allocated.
    /// </summary>
    public async ValueTask<InitProducerIdResult> InitProducerIdAsync(InitProducerIdArgs args, CancellationToken cancellationToken = default)
    {
        var result = await InitProducerIdCoreAsync(args, cancellationToken).ConfigureAwait(false);
        var error = MapFencing(result.Error, args.FencedAsInvalidProducerEpoch);
        return error == result.Error ? result : InitProducerIdResult.Failed(error);
    }

    private async ValueTask<InitProducerIdResult> InitProducerIdCoreAsync(InitProducerIdArgs args, CancellationToken cancellationToken)
    {
        if (args.TransactionalId is null)
        {
            // An idempotent producer: any broker serves it and nothing is recorded.
            var (allocated, error) = await AllocateProducerIdAsync(cancellationToken).ConfigureAwait(false);
            return error == ErrorCode.None ? new InitProducerIdResult(ErrorCode.None, allocated, 0) : InitProducerIdResult.Failed(error);
        }
        if (args.TransactionalId.Length == 0) return InitProducerIdResult.Failed(ErrorCode.InvalidRequest);
        // KIP-360: id and epoch come together or not at all.
        if ((args.ExpectedProducerId == -1) != (args.ExpectedProducerEpoch == -1)) return InitProducerIdResult.Failed(ErrorCode.InvalidRequest);
        if (args.TransactionTimeoutMs <= 0 || args.TransactionTimeoutMs > _options.TransactionMaxTimeoutMs)
            return InitProducerIdResult.Failed(ErrorCode.InvalidTransactionTimeout);

        long? spareProducerId = null;
        while (true)
        {
            InitStep step;
            InitProducerIdResult answer;
            TransactionMetadata? meta;
            TransactionLogValue? target;
            Task<long>? append;
            short lastEpoch;
            lock (_lock) step = DecideInit(args, ref spareProducerId, out answer, out meta, out target, out append, out lastEpoch);

            switch (step)
            {
                case InitStep.Answer:
                    return answer;
                case InitStep.AllocateProducerId:
                    {
                        var (allocated, error) = await AllocateProducerIdAsync(cancellationToken).ConfigureAwait(false);
                        if (error != ErrorCode.None) return InitProducerIdResult.Failed(error);
                        spareProducerId = allocated;
                        continue;
                    }
                case InitStep.Bump:
                    {
                        var error = await CompleteTransitionAsync(meta!, append!, target, lastEpoch).ConfigureAwait(false);
                        return error == ErrorCode.None
                            ? new InitProducerIdResult(ErrorCode.None, target!.ProducerId, target.ProducerEpoch)
                            : InitProducerIdResult.Failed(error);
                    }
                default:
                    {
                        var error = await CompleteTransitionAsync(meta!, append!, target, lastEpoch, epochFence: true).ConfigureAwait(false);
                        return InitProducerIdResult.Failed(error == ErrorCode.None ? ErrorCode.ConcurrentTransactions : error);
                    }
            }
        }
    }

    private async ValueTask<(long ProducerId, ErrorCode Error)> AllocateProducerIdAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _producerIds.NextProducerIdAsync(cancellationToken).ConfigureAwait(false), ErrorCode.None);
        }
        catch (KafkaException e)
        {
            return (-1, e.Code);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Allocating a producer id failed");
            return (-1, ErrorCode.UnknownServerError);
        }
    }

    /// <summary>
    /// The InitProducerId decision, under the lock. Uses up <paramref name="spareProducerId"/> when it needs a new id,
    /// or asks for one (<see cref="InitStep.AllocateProducerId"/>) when it has none.
    /// </summary>
    private InitStep DecideInit(InitProducerIdArgs args, ref long? spareProducerId, out InitProducerIdResult answer,
        out TransactionMetadata? meta, out TransactionLogValue? target, out Task<long>? append, out short lastEpoch)
    {
        answer = InitProducerIdResult.Failed(ErrorCode.None);
        target = null;
        append = null;
        lastEpoch = -1;
        var transactionalId = args.TransactionalId!;
        var error = CoordinatorError(transactionalId, out var partition);
        if (error != ErrorCode.None)
        {
            meta = null;
            answer = InitProducerIdResult.Failed(error);
            return InitStep.Answer;
        }

        var now = NowMs;
        if (!_transactions.TryGetValue(transactionalId, out meta))
        {
            if (spareProducerId is not { } fresh) return InitStep.AllocateProducerId;
            // Epoch -1 so that the bump below makes it 0. Kept even if the first append fails: a retry reuses the id.
            meta = new TransactionMetadata(transactionalId, partition)
            {
                ProducerId = fresh,
                ProducerEpoch = -1,
                TimeoutMs = args.TransactionTimeoutMs,
                LastUpdateTimestampMs = now,
            };
            _transactions.Add(transactionalId, meta);
            spareProducerId = null;
        }

        if (meta.PendingState is not null)
        {
            answer = InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions);
            return InitStep.Answer;
        }

        var hasExpected = args.ExpectedProducerId != -1;
        // KIP-360: the named producer id must be this id's current one — or its previous one with a used-up epoch (a retry
        // of the InitProducerId that rotated the id) — unless the id has no epoch yet (a producer migrating to a new id).
        if (hasExpected && meta.ProducerEpoch != -1 && args.ExpectedProducerId != meta.ProducerId &&
            !(args.ExpectedProducerId == meta.PreviousProducerId && TransactionMetadata.IsEpochExhausted(args.ExpectedProducerEpoch)))
        {
            answer = InitProducerIdResult.Failed(ErrorCode.ProducerFenced);
            return InitStep.Answer;
        }

        switch (meta.State)
        {
            case TransactionState.Ongoing:
                lastEpoch = -1;
                (append, target) = BeginFenceAndAbort(meta, now);
                return InitStep.FenceAndAbort;

            case TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort:
                break;

            default:
                // PrepareCommit/PrepareAbort: markers are being written; the client retries until they are.
                answer = InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions);
                return InitStep.Answer;
        }

        var producerId = meta.ProducerId;
        var previousProducerId = meta.PreviousProducerId;
        short epoch;
        if (meta.EpochExhausted && (!hasExpected || args.ExpectedProducerEpoch == meta.ProducerEpoch))
        {
            if (spareProducerId is not { } fresh) return InitStep.AllocateProducerId;
            spareProducerId = null;
            previousProducerId = producerId;
            producerId = fresh;
            epoch = 0;
            // Remembering the used-up epoch lets a retry of this very request find its answer (see the check above).
            lastEpoch = hasExpected ? meta.ProducerEpoch : (short)-1;
        }
        else if (!hasExpected)
        {
            epoch = (short)(meta.ProducerEpoch + 1);
            lastEpoch = -1;
        }
        else if (meta.ProducerEpoch == -1 || args.ExpectedProducerEpoch == meta.ProducerEpoch)
        {
            // The producer recovers from an error and nobody else took over: bump, remembering the epoch it had.
            epoch = (short)(meta.ProducerEpoch + 1);
            lastEpoch = meta.ProducerEpoch;
        }
        else if (args.ExpectedProducerEpoch == meta.LastProducerEpoch)
        {
            // A retry of a bump whose answer was lost: the same epoch again (a newer producer would have reset LastProducerEpoch).
            epoch = meta.ProducerEpoch;
            lastEpoch = meta.LastProducerEpoch;
        }
        else
        {
            answer = InitProducerIdResult.Failed(ErrorCode.ProducerFenced);
            return InitStep.Answer;
        }

        target = new TransactionLogValue(producerId, epoch, args.TransactionTimeoutMs, TransactionState.Empty, [], now, -1)
        {
            PreviousProducerId = previousProducerId,
            NextProducerId = meta.NextProducerId,
            ClientTransactionVersion = meta.ClientTransactionVersion,
        };
        append = BeginTransition(meta, target, TransactionState.Empty);
        return InitStep.Bump;
    }

    /// <summary>
    /// Fences the producer of an ongoing transaction and starts aborting it: the epoch is bumped in memory at once (so
    /// the old producer's AddPartitions/EndTxn fail from now on) and PrepareAbort is written under the bumped epoch, which
    /// the ABORT markers then carry to every partition. Used by InitProducerId and by the transaction timeout.
    /// </summary>
    private (Task<long> Append, TransactionLogValue Target) BeginFenceAndAbort(TransactionMetadata meta, long now)
    {
        // A bump whose record failed was never handed out: reuse it. At short.MaxValue there is nothing left to bump to;
        // the abort then goes out under the current epoch and the next InitProducerId rotates the producer id.
        if (!meta.HasFailedEpochFence && meta.ProducerEpoch < short.MaxValue) meta.ProducerEpoch++;
        meta.LastProducerEpoch = -1;
        var target = meta.Snapshot() with { State = TransactionState.PrepareAbort, LastUpdateTimestampMs = now };
        _logger.LogInformation("Aborting the ongoing transaction of {TransactionalId}, fencing its producer with epoch {Epoch}",
            meta.TransactionalId, meta.ProducerEpoch);
        return (BeginTransition(meta, target, TransactionState.PrepareAbort), target);
    }
}
