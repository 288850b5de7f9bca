namespace Brook.Coordination.Transactions;

/// <summary>
/// Tells the group coordinator that a transaction holding transactional offset commits (TxnOffsetCommit) has ended, so
/// that it can make that producer's pending offsets visible (commit) or drop them (abort).
/// </summary>
/// <remarks>
/// The transaction coordinator only knows which __consumer_offsets partitions took part (AddOffsetsToTxn adds the
/// group's partition); it does not persist group ids. So the listener gets those partitions, and the group coordinator
/// completes every pending transactional offset of <c>producerId</c> in them — which is what Kafka's group coordinator
/// does when the COMMIT/ABORT marker lands on its partition. It is called once the markers on those partitions are
/// durable (after <see cref="ITransactionMarkerWriter"/> reported NONE for them), before the transaction is recorded as
/// complete. At start-up the group coordinator must instead learn the outcome by replaying the control markers of
/// __consumer_offsets; this call only keeps the in-memory view current. A failure is logged, not retried: the marker is
/// already durable, so a reload repairs it.
/// </remarks>
public interface ITransactionCompletionListener
{
    ValueTask OnTransactionCompletedAsync(long producerId, short producerEpoch, bool committed, IReadOnlyList<int> offsetsPartitions,
        CancellationToken cancellationToken);
}
