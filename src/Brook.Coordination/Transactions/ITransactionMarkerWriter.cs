using Brook.Common;

namespace Brook.Coordination.Transactions;

/// <summary>
/// Writes the control records that end a transaction on its data partitions (WriteTxnMarkers in a cluster; on a single
/// broker, local appends of a COMMIT or ABORT control batch).
/// </summary>
public interface ITransactionMarkerWriter
{
    /// <summary>
    /// Appends one control batch (producer id, epoch, commit or abort, <paramref name="coordinatorEpoch"/> in the control
    /// record) to each of <paramref name="partitions"/> and reports one error per partition, NONE once its marker is
    /// durable. The list may include __consumer_offsets partitions (transactional offset commits).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Called outside the coordinator's lock. The coordinator retries partitions that failed, after a back-off, until
    /// each succeeds — so a partition whose topic was deleted should be reported as NONE (Kafka considers its marker
    /// written), and an error the partition will never get over should be logged by the host and reported as NONE too.
    /// UNSUPPORTED_FOR_MESSAGE_FORMAT counts as done. INVALID_PRODUCER_EPOCH and TRANSACTION_COORDINATOR_FENCED mean a
    /// newer coordinator or producer epoch owns the transaction: the coordinator stops completing it (Kafka does the same).
    /// </para>
    /// <para>A thrown exception is treated as a retriable failure of every partition in the call.</para>
    /// </remarks>
    ValueTask<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> WriteMarkersAsync(long producerId, short producerEpoch,
        int coordinatorEpoch, bool commit, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken cancellationToken);
}
