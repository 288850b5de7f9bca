namespace Brook.Coordination.Transactions;

/// <summary>
/// The transaction coordinator's window onto the __transaction_state partitions. The host binds it to the real
/// (compacted) partitions; the coordinator only appends through it and is fed the partition contents back through
/// <see cref="TransactionCoordinator.Replay"/> when it takes a partition over.
/// </summary>
public interface ITransactionLog
{
    /// <summary>
    /// Appends <paramref name="records"/> (a null value is a tombstone) to one partition as one atomic batch, completing
    /// with the offset of the batch's last record once the batch is durable (committed to the partition's ISR). Fails
    /// with a <see cref="Brook.Common.KafkaException"/> (e.g. NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS) otherwise.
    /// </summary>
    /// <remarks>
    /// Called while the coordinator holds its lock, so that log order equals decision order: an implementation must keep
    /// the call order of appends to one partition, must not call back into the coordinator, and should return its
    /// (incomplete) task promptly, doing the waiting asynchronously.
    /// </remarks>
    ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken);
}
