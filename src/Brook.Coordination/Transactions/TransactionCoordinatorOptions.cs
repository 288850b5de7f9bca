using Brook.Common.Config;

namespace Brook.Coordination.Transactions;

/// <summary>The broker settings the transaction coordinator obeys; defaults are Kafka's.</summary>
public sealed record TransactionCoordinatorOptions
{
    /// <summary>transaction.state.log.num.partitions: fixes the transactional id → partition mapping, so it must never change once used.</summary>
    public int TransactionStateLogPartitions { get; init; } = 50;

    /// <summary>offsets.topic.num.partitions: AddOffsetsToTxn adds the group's __consumer_offsets partition, found with it.</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    /// <summary>transaction.max.timeout.ms: the largest transaction timeout InitProducerId accepts.</summary>
    public int TransactionMaxTimeoutMs { get; init; } = 900_000;

    /// <summary>transactional.id.expiration.ms: an id with no transaction activity for this long is removed.</summary>
    public long TransactionalIdExpirationMs { get; init; } = 604_800_000;

    /// <summary>transaction.abort.timed.out.transaction.cleanup.interval.ms: how often timed-out transactions are looked for.</summary>
    public int AbortTimedOutTransactionsIntervalMs { get; init; } = 10_000;

    /// <summary>transaction.remove.expired.transaction.cleanup.interval.ms: how often expired transactional ids are looked for.</summary>
    public int RemoveExpiredTransactionalIdsIntervalMs { get; init; } = 3_600_000;

    /// <summary>Pause before retrying markers (or the completing record) that failed; Kafka retries on its send thread's cadence.</summary>
    public int RetryBackoffMs { get; init; } = 100;

    /// <summary>Reads the transaction settings out of the broker configuration.</summary>
    public static TransactionCoordinatorOptions FromConfig(BrokerConfig config) => new()
    {
        TransactionStateLogPartitions = config.TransactionStateLogNumPartitions,
        OffsetsTopicPartitions = config.OffsetsTopicNumPartitions,
        TransactionMaxTimeoutMs = config.TransactionMaxTimeoutMs,
        TransactionalIdExpirationMs = config.TransactionalIdExpirationMs,
        AbortTimedOutTransactionsIntervalMs = config.TransactionAbortTimedOutTransactionCleanupIntervalMs,
    };
}
