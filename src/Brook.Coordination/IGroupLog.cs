namespace Brook.Coordination;

/// <summary>
/// The coordinator's window onto the __consumer_offsets partitions. The host binds it to the real partitions; the
/// coordinator only appends through it and is fed back the partition contents through
/// <see cref="GroupCoordinator.Replay"/> when it takes a partition over.
/// </summary>
public interface IGroupLog
{
    /// <summary>
    /// Appends <paramref name="records"/> (a null value is a tombstone) to one partition as one atomic batch, completing
    /// with the offset of the batch's last record once the batch is durable (committed to the partition's ISR). Fails
    /// with a <see cref="Brook.Common.KafkaException"/> (e.g. NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS) otherwise.
    /// </summary>
    /// <remarks>
    /// The coordinator calls this while holding its own lock so that log order equals decision order; an implementation
    /// must keep the call order of appends to one partition, must not call back into the coordinator, and should return
    /// its (incomplete) task promptly, doing the waiting asynchronously.
    /// </remarks>
    ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken);

    /// <summary>
    /// Appends transactional offset commits (TxnOffsetCommit, KIP-98) to one partition as one <em>transactional</em>
    /// record batch carrying <paramref name="producerId"/> and <paramref name="producerEpoch"/> (attributes bit 4 set, not a
    /// control batch). Completes like <see cref="AppendAsync"/>: with the offset of the batch's last record once durable.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The records are ordinary OffsetCommit keys and values; what makes them pending is the batch's transactional flag,
    /// which the host must hand back to <see cref="GroupCoordinator.Replay"/> at load (producerId, isTransactional), along
    /// with the COMMIT/ABORT control batches the transaction coordinator's markers later add to the same partition
    /// (<see cref="GroupCoordinator.ReplayControl"/>).
    /// </para>
    /// <para>
    /// The partition's producer state must check the epoch as for any transactional producer: an epoch older than the
    /// producer's current one fails with INVALID_PRODUCER_EPOCH (or PRODUCER_FENCED), which reaches the client as is.
    /// The batch is written by the coordinator, not the client, so no sequence number is checked (base sequence -1 is fine).
    /// The same ordering rules as <see cref="AppendAsync"/> apply, across both methods.
    /// </para>
    /// <para>
    /// The default implementation fails every call with UNKNOWN_SERVER_ERROR so that hosts written before transactional
    /// offset commits keep compiling; a host serving TxnOffsetCommit must implement it.
    /// </para>
    /// </remarks>
    ValueTask<long> AppendTransactionalAsync(int partition, long producerId, short producerEpoch,
        IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken) =>
        ValueTask.FromException<long>(new Brook.Common.KafkaException(Brook.Common.ErrorCode.UnknownServerError,
            "this __consumer_offsets log does not support transactional appends"));
}
