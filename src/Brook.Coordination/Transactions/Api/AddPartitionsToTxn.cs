using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>
/// One transaction of an AddPartitionsToTxn request (v0-v3 carry one; v4+ batches several, each answered on its own).
/// The host checks topic existence and authorization before calling; the coordinator answers one error for all
/// partitions of the transaction, as Kafka does.
/// </summary>
public sealed record AddPartitionsToTxnArgs(string TransactionalId, long ProducerId, short ProducerEpoch, IReadOnlyList<TopicPartition> Partitions)
{
    /// <summary>Requests before v2 predate PRODUCER_FENCED (KIP-588) and get INVALID_PRODUCER_EPOCH instead.</summary>
    public bool FencedAsInvalidProducerEpoch { get; init; }
}

/// <summary>An AddOffsetsToTxn request: adds the group's __consumer_offsets partition to the transaction.</summary>
public sealed record AddOffsetsToTxnArgs(string TransactionalId, long ProducerId, short ProducerEpoch, string GroupId)
{
    /// <summary>Requests before v2 predate PRODUCER_FENCED (KIP-588) and get INVALID_PRODUCER_EPOCH instead.</summary>
    public bool FencedAsInvalidProducerEpoch { get; init; }
}

/// <summary>
/// The answer to a verify-only AddPartitionsToTxn (KIP-890 part 1, v4+ VerifyOnly): a transaction-level error, or NONE
/// with one result per partition — NONE if the partition is in the ongoing transaction, TRANSACTION_ABORTABLE if not.
/// </summary>
public sealed record VerifyPartitionsResult(ErrorCode Error, IReadOnlyList<PartitionResult> Partitions);
