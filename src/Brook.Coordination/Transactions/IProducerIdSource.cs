namespace Brook.Coordination.Transactions;

/// <summary>
/// Hands out producer ids that are unique across the cluster and across restarts (Kafka allocates them in blocks
/// recorded by the controller). Used for transactional ids, for idempotent producers (InitProducerId without a
/// transactional id) and when a transactional id's epochs run out.
/// </summary>
public interface IProducerIdSource
{
    /// <summary>
    /// The next unused producer id. May fail with a <see cref="Brook.Common.KafkaException"/> whose code is returned to
    /// the client (e.g. COORDINATOR_LOAD_IN_PROGRESS while a new block is being fetched).
    /// </summary>
    ValueTask<long> NextProducerIdAsync(CancellationToken cancellationToken);
}
