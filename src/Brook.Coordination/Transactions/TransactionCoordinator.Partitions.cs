using Brook.Common;
using Brook.Coordination.Transactions.Records;

namespace Brook.Coordination.Transactions;

/// <summary>AddPartitionsToTxn, AddOffsetsToTxn and the KIP-890 verify-only check.</summary>
public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// Adds partitions to the producer's transaction, beginning one (Ongoing, start timestamp now) if none is open;
    /// completes with NONE once the new partition set is durable. CONCURRENT_TRANSACTIONS while the previous
    /// transaction's markers are being written (the client retries), INVALID_PRODUCER_ID_MAPPING for an unknown id or a
    /// different producer id, PRODUCER_FENCED for another epoch.
    /// </summary>
    public async ValueTask<ErrorCode> AddPartitionsToTxnAsync(AddPartitionsToTxnArgs args, CancellationToken cancellationToken = default)
    {
        var error = await AddPartitionsCoreAsync(args.TransactionalId, args.ProducerId, args.ProducerEpoch, args.Partitions).ConfigureAwait(false);
        return MapFencing(error, args.FencedAsInvalidProducerEpoch);
    }

    /// <summary>
    /// Adds the group's __consumer_offsets partition to the transaction, so that its TxnOffsetCommits are committed or
    /// aborted with it (the partition's marker tells the group coordinator, see <see cref="ITransactionCompletionListener"/>).
    /// </summary>
    public async ValueTask<ErrorCode> AddOffsetsToTxnAsync(AddOffsetsToTxnArgs args, CancellationToken cancellationToken = default)
    {
        var offsetsPartition = OffsetsPartitionFor(args.GroupId);
        var error = await AddPartitionsCoreAsync(args.TransactionalId, args.ProducerId, args.ProducerEpoch, [offsetsPartition]).ConfigureAwait(false);
        return MapFencing(error, args.FencedAsInvalidProducerEpoch);
    }

    /// <summary>The __consumer_offsets partition AddOffsetsToTxn adds for <paramref name="groupId"/> (the group coordinator's mapping).</summary>
    public TopicPartition OffsetsPartitionFor(string groupId) =>
        new(OffsetsTopicName, GroupPartitioner.PartitionFor(groupId, _options.OffsetsTopicPartitions));

    private async ValueTask<ErrorCode> AddPartitionsCoreAsync(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<TopicPartition> partitions)
    {
        if (string.IsNullOrEmpty(transactionalId)) return ErrorCode.InvalidRequest;
        TransactionMetadata meta;
        TransactionLogValue target;
        Task<long> append;
        short lastEpoch;
        lock (_lock)
        {
            var error = ValidateProducer(transactionalId, producerId, producerEpoch, out var found);
            if (error != ErrorCode.None) return error;
            meta = found!;
            if (meta.PendingState is not null || meta.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort)
                return ErrorCode.ConcurrentTransactions;
            // Nothing new to record: answer at once, as Kafka does.
            if (partitions.Count == 0 || (meta.State == TransactionState.Ongoing && partitions.All(meta.Partitions.Contains)))
                return ErrorCode.None;
            if (meta.State is not (TransactionState.Empty or TransactionState.Ongoing or TransactionState.CompleteCommit or TransactionState.CompleteAbort))
                return ErrorCode.ConcurrentTransactions;

            var now = NowMs;
            var all = new HashSet<TopicPartition>(meta.Partitions);
            all.UnionWith(partitions);
            target = meta.Snapshot() with
            {
                State = TransactionState.Ongoing,
                Partitions = [.. all],
                // The transaction (and its timeout) starts with its first partition.
                StartTimestampMs = meta.State == TransactionState.Ongoing ? meta.StartTimestampMs : now,
                LastUpdateTimestampMs = now,
            };
            lastEpoch = meta.LastProducerEpoch;
            append = BeginTransition(meta, target, TransactionState.Ongoing);
        }
        return await CompleteTransitionAsync(meta, append, target, lastEpoch).ConfigureAwait(false);
    }

    /// <summary>
    /// KIP-890 part 1 (AddPartitionsToTxn v4+ with VerifyOnly, sent by partition leaders before appending a transactional
    /// batch): whether each partition is part of the producer's ongoing transaction — NONE if it is, TRANSACTION_ABORTABLE
    /// if not (the producer wrote without adding it first, or the transaction already ended). Writes nothing.
    /// A produce path serving an old client may have to translate TRANSACTION_ABORTABLE (Kafka sends such clients
    /// INVALID_TXN_STATE).
    /// </summary>
    public VerifyPartitionsResult VerifyPartitionsInTxn(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<TopicPartition> partitions)
    {
        if (string.IsNullOrEmpty(transactionalId)) return new VerifyPartitionsResult(ErrorCode.InvalidRequest, []);
        lock (_lock)
        {
            var error = ValidateProducer(transactionalId, producerId, producerEpoch, out var meta);
            if (error != ErrorCode.None) return new VerifyPartitionsResult(error, []);
            // The pending state is not looked at: the partition leader's own append is the final check, as in Kafka.
            if (meta!.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort)
                return new VerifyPartitionsResult(ErrorCode.ConcurrentTransactions, []);
            var results = new PartitionResult[partitions.Count];
            for (var i = 0; i < partitions.Count; i++)
            {
                var tp = partitions[i];
                var inTransaction = meta.State == TransactionState.Ongoing && meta.Partitions.Contains(tp);
                results[i] = new PartitionResult(tp.Topic, tp.Partition, inTransaction ? ErrorCode.None : ErrorCode.TransactionAbortable);
            }
            return new VerifyPartitionsResult(ErrorCode.None, results);
        }
    }

    /// <summary>
    /// The checks every producer request shares: ownership, a known transactional id with this producer id
    /// (INVALID_PRODUCER_ID_MAPPING otherwise) and exactly this epoch (PRODUCER_FENCED otherwise). Under the lock.
    /// </summary>
    private ErrorCode ValidateProducer(string transactionalId, long producerId, short producerEpoch, out TransactionMetadata? meta)
    {
        meta = null;
        var error = CoordinatorError(transactionalId, out _);
        if (error != ErrorCode.None) return error;
        if (!_transactions.TryGetValue(transactionalId, out meta) || meta.ProducerId != producerId) return ErrorCode.InvalidProducerIdMapping;
        return meta.ProducerEpoch != producerEpoch ? ErrorCode.ProducerFenced : ErrorCode.None;
    }
}
